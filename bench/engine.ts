/**
 * The engine benchmark: every stage on its own, the pipeline end to end, the same images through
 * @vladmandic/face-api (tfjs, WebAssembly) for comparison, the matcher, memory and event-loop
 * delay. Prints one markdown table and saves it to bench/results/<date>-<git sha>.md, so later
 * runs can be compared with this one.
 *
 *   npx tsx bench/engine.ts [--images N] [--live-minutes M] [--dry-run]
 *
 * --images N        how many LFW images to use (the first N of ../shared/data/lfw-dev/images by
 *                   name; default 200)
 * --live-minutes M  how long the live loop replays a clip for its RSS growth (default 10; see
 *                   bench/liveLoop.ts for the live rows)
 * --dry-run         print the table without saving it
 *
 * Progress goes to stderr, the table to stdout. Without ../shared/data (set CLOCKFACE_DATA_DIR
 * to read it elsewhere) only the matcher rows are measured.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_ENGINE_CONFIG, engineConfigSchema, type EngineConfig } from '../src/main/engine/config.js';
import { DEFAULT_LIVE_CONFIG } from '../src/main/engine/live/liveConfig.js';
import { ModelSet } from '../src/main/engine/models/modelSet.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../test/support/sharedData.js';
import { benchPipeline, formatStageMs, type PipelineThroughput } from './endToEnd.js';
import { benchEngineStages, EMBED_BATCH, threadsLabel } from './engineStages.js';
import { benchFaceApi } from './faceApi.js';
import { benchLiveLoop } from './liveLoop.js';
import { runMatcherBench, type BenchRow } from './matcher.js';
import { markdownTable } from './table.js';
import type { Throughput } from './throughput.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(repoRoot, 'bench', 'results');
const modelsDir = join(repoRoot, 'resources', 'models');

interface Options {
  readonly images: number;
  readonly liveMinutes: number;
  readonly dryRun: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '200' },
      'live-minutes': { type: 'string', default: '10' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const images = Number(values.images);
  if (!Number.isInteger(images) || images < 1) {
    throw new Error(`--images must be a whole number of images ≥ 1, got "${values.images}"`);
  }
  const liveMinutes = Number(values['live-minutes']);
  if (!(liveMinutes > 0 && Number.isFinite(liveMinutes))) {
    throw new Error(`--live-minutes must be a number > 0, got "${values['live-minutes']}"`);
  }
  return { images, liveMinutes, dryRun: values['dry-run'] };
}

const startedAt = performance.now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

/** The first `count` LFW images in name order (people, then their photos): the same set every run. */
function lfwImages(count: number): string[] {
  const root = sharedPath('lfw-dev', 'images');
  const paths: string[] = [];
  for (const person of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, person)).sort()) {
      if (paths.length === count) return paths;
      paths.push(join(root, person, file));
    }
  }
  return paths;
}

function gitShortSha(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'local';
  }
}

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function packageVersions(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const versions = { ...manifest.dependencies, ...manifest.devDependencies };
  return ['onnxruntime-node', '@u4/opencv4nodejs', '@vladmandic/face-api', '@tensorflow/tfjs-backend-wasm']
    .map((name) => `${name} ${versions[name] ?? '?'}`)
    .join(', ');
}

function throughputRow(name: string, result: Throughput, stageBreakdown = ''): BenchRow {
  return {
    name,
    value: result.facesPerSecond,
    unit: 'faces/s',
    detail: [
      `${result.faces} faces in ${result.images} images, ${result.seconds.toFixed(1)} s`,
      `per image median ${result.perImage.median.toFixed(1)} ms (p90 ${result.perImage.p90.toFixed(1)})`,
      stageBreakdown,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

const ratioRow = (name: string, ratio: number, target: number, detail: string): BenchRow => ({
  name,
  value: ratio,
  unit: `× (target ≥ ${target}×)`,
  detail: `${ratio >= target ? 'meets' : 'misses'} the target; ${detail}`,
});

async function benchEngine(paths: readonly string[], config: EngineConfig): Promise<BenchRow[]> {
  // The stage rows time each network on this thread: the compute itself, without a worker's copies.
  const models = ModelSet.open(modelsDir, { intraOpThreads: config.intraOpThreads });
  const oneThreadModels = ModelSet.open(modelsDir, { intraOpThreads: 1 });
  try {
    const stages = await benchEngineStages(models, oneThreadModels, paths, config, progress);
    progress('end to end, default config (one inference worker), one image at a time');
    const kiosk = await benchPipeline(modelsDir, paths, config);
    progress('end to end, default config, ONNX Runtime on the main thread');
    const onMainThread = await benchPipeline(modelsDir, paths, { ...config, workers: 0 });
    // Two workers of one thread each, two images in flight: how an import or a batch run uses both cores.
    const parallelConfig = engineConfigSchema.parse({ ...config, workers: 2, intraOpThreads: 1 });
    progress('end to end, default config, two workers, two images in flight');
    const parallel = await benchPipeline(modelsDir, paths, parallelConfig, 2);
    // The engine doing what face-api does per face: one landmark pass, one descriptor.
    const lean = { landmarkRefinements: 0, mirrorEmbedding: false };
    progress('end to end, one landmark pass, no mirrored embedding, two workers');
    const leanParallel = await benchPipeline(modelsDir, paths, { ...parallelConfig, ...lean }, 2);
    progress('end to end, one landmark pass, no mirrored embedding, one worker of one thread');
    const leanOneThread = await benchPipeline(
      modelsDir,
      paths,
      engineConfigSchema.parse({ ...config, ...lean, workers: 1, intraOpThreads: 1 }),
    );
    // Measured before face-api and the matcher's galleries are loaded: the engine's own footprint.
    const engineRssMb = peakRssMb();

    const faceApi = await benchFaceApi(paths, stages.chips, config, progress);
    const describeRatio = (ours: number) => `${(faceApi.descriptor.median / ours).toFixed(1)}×`;
    const endToEndRatio = (ours: PipelineThroughput) => ours.facesPerSecond / faceApi.endToEnd.facesPerSecond;
    const delayDetail = (result: Throughput) =>
      `p50 ${result.eventLoop.p50.toFixed(2)}, p99 ${result.eventLoop.p99.toFixed(2)}, max ${result.eventLoop.max.toFixed(2)} ms`;
    const stageDetail = (result: PipelineThroughput) => `stage ms per image: ${formatStageMs(result.stageMs)}`;

    return [
      ...stages.rows,
      throughputRow(
        'end to end, ours: default config (SSD, 3 landmark refinements, mirrored embedding), one image at a time',
        kiosk,
        `one inference worker on ${threadsLabel(config)}; ${stageDetail(kiosk)}`,
      ),
      throughputRow(
        'end to end, ours: default config, two images in flight on two workers of one thread',
        parallel,
        stageDetail(parallel),
      ),
      throughputRow(
        'end to end, ours: landmarkRefinements 0, mirrorEmbedding false, two images in flight on two workers',
        leanParallel,
        stageDetail(leanParallel),
      ),
      throughputRow(
        'end to end, ours: landmarkRefinements 0, mirrorEmbedding false, one worker of one thread',
        leanOneThread,
        stageDetail(leanOneThread),
      ),
      throughputRow(
        'end to end, face-api: detectAllFaces(SSD).withFaceLandmarks().withFaceDescriptors()',
        faceApi.endToEnd,
        faceApi.backend,
      ),
      {
        name: 'embed, face-api: faceRecognitionNet on a 150x150 chip, batch 1',
        value: faceApi.descriptor.median,
        unit: 'ms per face (median)',
        detail: `p90 ${faceApi.descriptor.p90.toFixed(2)} ms over ${faceApi.descriptor.count} faces; ${faceApi.backend}`,
      },
      ratioRow(
        `ratio, embedding per face: face-api ÷ ours (batch ${EMBED_BATCH})`,
        faceApi.descriptor.median / stages.embedBatch8.median,
        10,
        `ours on ${threadsLabel(config)}; at batch 1: ${describeRatio(stages.embedBatch1.median)}; ` +
          `batch 1 on one thread: ${describeRatio(stages.embedOneThread.median)}`,
      ),
      ratioRow(
        'ratio, end to end faces/s: ours (default config, two workers) ÷ face-api',
        endToEndRatio(parallel),
        5,
        `ours does ${config.landmarkRefinements + 1} landmark passes and ${config.mirrorEmbedding ? 2 : 1} ` +
          `descriptor runs per face, face-api 1 and 1; one image at a time: ${endToEndRatio(kiosk).toFixed(2)}×`,
      ),
      ratioRow(
        'ratio, end to end faces/s: ours (landmarkRefinements 0, mirrorEmbedding false, two workers) ÷ face-api',
        endToEndRatio(leanParallel),
        5,
        'the same work per face as face-api; ' +
          `on one thread as face-api: ${endToEndRatio(leanOneThread).toFixed(2)}×`,
      ),
      {
        name: 'event loop delay during our pipeline run, p50',
        value: kiosk.eventLoop.p50,
        unit: 'ms',
        detail: 'default config, one inference worker; sampled every 1 ms, delay beyond that interval',
      },
      {
        name: 'event loop delay during our pipeline run, p99',
        value: kiosk.eventLoop.p99,
        unit: 'ms',
        detail: `default config, one inference worker; two workers: ${delayDetail(parallel)}`,
      },
      {
        name: 'event loop delay during our pipeline run, max',
        value: kiosk.eventLoop.max,
        unit: 'ms',
        detail:
          `default config, one inference worker. For contrast, ONNX Runtime on the main thread (workers 0): ${delayDetail(onMainThread)}` +
          " — onnxruntime-node's session.run() computes synchronously on the calling thread",
      },
      {
        name: 'event loop delay during the face-api run, max',
        value: faceApi.endToEnd.eventLoop.max,
        unit: 'ms',
        detail: `for contrast: tfjs wasm computes on the main thread; ${delayDetail(faceApi.endToEnd)}`,
      },
      {
        name: 'memory: peak RSS after our stages and pipeline runs',
        value: engineRssMb,
        unit: 'MB',
        detail: 'process.resourceUsage().maxRSS before face-api and the matcher galleries load',
      },
    ];
  } finally {
    await Promise.all([models.release(), oneThreadModels.release()]);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const config = DEFAULT_ENGINE_CONFIG;
  const date = new Date().toISOString().slice(0, 10);
  const sha = gitShortSha();
  const loadAverage = () =>
    loadavg()
      .map((load) => load.toFixed(2))
      .join(' ');
  const notes = [
    `- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; load average (1, 5, 15 min) at start ${loadAverage()}`,
    `- Node ${process.version}; ${packageVersions()}`,
  ];

  const rows: BenchRow[] = [];
  if (hasSharedData) {
    const paths = lfwImages(options.images);
    notes.push(`- images: the first ${paths.length} of ${relative(repoRoot, sharedPath('lfw-dev', 'images'))}`);
    rows.push(...(await benchEngine(paths, config)));
  } else {
    const skipped = `engine and face-api rows skipped: ${sharedDataSkipReason}`;
    progress(skipped);
    notes.push(`- ${skipped}`);
  }

  // Before the matcher's galleries: the live loop's RSS growth is measured in this process.
  const live = await benchLiveLoop(
    { minutes: options.liveMinutes, frames: undefined, engine: {}, detectEvery: DEFAULT_LIVE_CONFIG.detectEvery },
    progress,
  );
  rows.push(...live.rows);
  notes.push(`- ${live.note}`);

  progress('matcher');
  rows.push(...(await runMatcherBench()));
  rows.push({
    name: 'memory: peak RSS of the whole run',
    value: peakRssMb(),
    unit: 'MB',
    detail: 'includes face-api (tfjs wasm) and the 1M-template gallery',
  });

  notes.push(`- load average at end ${loadAverage()} (other processes share this machine: compare runs with care)`);
  const report = [`# Engine benchmark, ${date}, ${sha}`, '', ...notes, '', markdownTable(rows), ''].join('\n');
  process.stdout.write(report);
  if (!options.dryRun) {
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${date}-${sha}.md`);
    writeFileSync(file, report);
    progress(`saved ${relative(repoRoot, file)}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
