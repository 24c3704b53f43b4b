import type { EngineConfig } from '../src/main/engine/config.js';
import { decodeImageFile } from '../src/main/engine/image/decodeImage.js';
import type { ModelSet } from '../src/main/engine/models/modelSet.js';
import { FacePipeline } from '../src/main/engine/pipeline.js';
import { addTiming, type StageName, type StageTimings } from '../src/main/engine/stage.js';
import { measureThroughput, type Throughput } from './throughput.js';

export interface PipelineThroughput extends Throughput {
  /** Mean milliseconds per image in each stage, as the pipeline itself reports them. */
  readonly stageMs: StageTimings;
}

/** decode → detect → landmarks → align (+ quality) → embed over every image, with `config`. */
export async function benchPipeline(
  models: ModelSet,
  paths: readonly string[],
  config: EngineConfig,
): Promise<PipelineThroughput> {
  const pipeline = await FacePipeline.load(models, config);
  const perImage: StageTimings[] = [];
  const throughput = await measureThroughput(paths, async (path) => {
    const timings: StageTimings = {};
    const decodeStarted = performance.now();
    const frame = await decodeImageFile(path, { maxPixels: config.maxImagePixels });
    addTiming(timings, 'decode', performance.now() - decodeStarted);
    const [analysis] = await pipeline.analyse([frame]);
    for (const [stage, ms] of Object.entries(analysis?.timings ?? {})) addTiming(timings, stage as StageName, ms);
    perImage.push(timings);
    return analysis?.faces.length ?? 0;
  });
  // The warm-up images ran first; only the timed pass counts.
  const timed = perImage.slice(-paths.length);
  const stageMs: StageTimings = {};
  for (const timings of timed) {
    for (const [stage, ms] of Object.entries(timings)) addTiming(stageMs, stage as StageName, ms / timed.length);
  }
  return { ...throughput, stageMs };
}

/** "decode 3.1, detect 25.0, …" for a table cell. */
export function formatStageMs(stageMs: StageTimings): string {
  return Object.entries(stageMs)
    .map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`)
    .join(', ');
}
