/**
 * The live-loop benchmark on its own (`npm run bench` includes the same rows):
 *
 *   npx tsx bench/live.ts [--minutes M] [--frames N] [--detector ssd|tiny|haar] [--detect-every K]
 *
 * --minutes M       how long the real-time loop runs, replaying clip A (default 10): RSS growth
 * --frames N        frames per clip in the as-fast-as-possible runs (default: the whole clip)
 * --detector        the engine's detector (default: the engine's default)
 * --detect-every K  detection on every K-th frame, tracking between (default: the live loop's)
 *
 * Progress goes to stderr, the table (bench/engine.ts's format) to stdout. Without
 * ../shared/data (set CLOCKFACE_DATA_DIR) nothing is measured.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { engineConfigSchema } from '../src/main/engine/config.js';
import { DEFAULT_LIVE_CONFIG } from '../src/main/engine/live/liveConfig.js';
import { benchLiveLoop, type LiveBenchOptions } from './liveLoop.js';
import { markdownTable } from './table.js';

function readOptions(): LiveBenchOptions {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      frames: { type: 'string' },
      detector: { type: 'string' },
      'detect-every': { type: 'string', default: String(DEFAULT_LIVE_CONFIG.detectEvery) },
    },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0 && Number.isFinite(minutes)))
    throw new Error(`--minutes must be a number > 0, got "${values.minutes}"`);
  const frames = values.frames === undefined ? undefined : Number(values.frames);
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 1)) {
    throw new Error(`--frames must be a whole number ≥ 1, got "${values.frames}"`);
  }
  const detectEvery = Number(values['detect-every']);
  if (!(Number.isInteger(detectEvery) && detectEvery >= 1)) {
    throw new Error(`--detect-every must be a whole number ≥ 1, got "${values['detect-every']}"`);
  }
  const engine = engineConfigSchema.partial().parse(values.detector === undefined ? {} : { detector: values.detector });
  return { minutes, frames, engine, detectEvery };
}

const startedAt = performance.now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

async function main(): Promise<void> {
  const loadAverage = () =>
    loadavg()
      .map((load) => load.toFixed(2))
      .join(' ');
  const machine = `- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; load average at start ${loadAverage()}`;
  const { rows, note } = await benchLiveLoop(readOptions(), progress);
  const notes = [machine, `- Node ${process.version}; ${note}`, `- load average at end ${loadAverage()}`];
  process.stdout.write(`# Live-loop benchmark\n\n${notes.join('\n')}\n\n${markdownTable(rows)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
