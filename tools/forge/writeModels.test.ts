import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../src/main/engine/models/manifest.js';
import { faceApiWeightsDir, forgeModel, sha256 } from './forge.js';
import { RECIPES } from './models/index.js';
import { onnxFileName, writeModels } from './writeModels.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shippedDir = join(repoRoot, 'resources', 'models');

describe('the models in resources/models', () => {
  it('are exactly what the recipes forge today (deterministic, up to date)', () => {
    const manifestPath = join(shippedDir, 'manifest.json');
    if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run "npm run models"`);
    const manifest = modelManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    for (const recipe of RECIPES) {
      const forged = forgeModel(recipe);
      const entry = manifest.models[recipe.id];
      expect(entry.file).toBe(onnxFileName(recipe.id));
      expect(entry.sha256, `${entry.file} differs from a fresh forge`).toBe(sha256(forged.bytes));
      expect(sha256(readFileSync(join(shippedDir, entry.file)))).toBe(entry.sha256);
      expect(entry.source).toMatchObject({ package: '@vladmandic/face-api', version: '1.7.15', license: 'MIT' });
    }
    for (const cascade of Object.values(manifest.cascades)) {
      expect(sha256(readFileSync(join(shippedDir, cascade.file)))).toBe(cascade.sha256);
    }
  });
});

describe('writeModels on bad weights', () => {
  let weightsDir: string;
  let outDir: string;
  beforeAll(() => {
    weightsDir = mkdtempSync(join(tmpdir(), 'clockface-forge-weights-'));
    outDir = mkdtempSync(join(tmpdir(), 'clockface-forge-out-'));
    for (const file of readdirSync(faceApiWeightsDir()))
      copyFileSync(join(faceApiWeightsDir(), file), join(weightsDir, file));
  });
  afterAll(() => {
    rmSync(weightsDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes nothing and keeps what was there when a weights file is truncated', () => {
    writeFileSync(join(outDir, 'manifest.json'), 'previous manifest');
    truncateSync(join(weightsDir, 'face_recognition_model.bin'), 4096);
    expect(() => writeModels({ outDir, recipes: RECIPES, weightsDir })).toThrow(
      `${join(weightsDir, 'face_recognition_model.bin')}: truncated`,
    );
    expect(readdirSync(outDir)).toEqual(['manifest.json']);
    expect(readFileSync(join(outDir, 'manifest.json'), 'utf8')).toBe('previous manifest');
  });
});
