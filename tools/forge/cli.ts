import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RECIPES } from './models/index.js';
import { writeModels } from './writeModels.js';

/** `npm run models [-- --out dir --weights dir]`: converts the face-api weights to resources/models. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(repoRoot, 'resources', 'models') },
    weights: { type: 'string' },
  },
});

try {
  const started = performance.now();
  writeModels({
    outDir: resolve(values.out),
    recipes: RECIPES,
    ...(values.weights ? { weightsDir: resolve(values.weights) } : {}),
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`model forge: wrote ${resolve(values.out)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`model forge failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
