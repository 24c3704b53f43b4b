import { FaceAnalyser } from '../src/main/engine/analyser/faceAnalyser.js';
import type { EngineConfig } from '../src/main/engine/config.js';
import { ModelSet } from '../src/main/engine/models/modelSet.js';
import { addTiming, type StageName, type StageTimings } from '../src/main/engine/stage.js';
import { measureThroughput, type Throughput } from './throughput.js';

export interface PipelineThroughput extends Throughput {
  /** Mean milliseconds per image in each stage, as the analyser itself reports them. */
  readonly stageMs: StageTimings;
}

/**
 * decode → detect → landmarks → align (+ quality) → embed over every image, as the engine runs it
 * (ONNX Runtime on `config.workers` inference workers), `inFlight` images at a time.
 */
export async function benchPipeline(
  modelsDir: string,
  paths: readonly string[],
  config: EngineConfig,
  inFlight = 1,
): Promise<PipelineThroughput> {
  const models = ModelSet.open(modelsDir, { intraOpThreads: config.intraOpThreads, workers: config.workers });
  try {
    const analyser = await FaceAnalyser.load(models, config);
    const perImage: StageTimings[] = [];
    const throughput = await measureThroughput(
      paths,
      async (path) => {
        const analysis = await analyser.analyse({ kind: 'file', path }, { fallbacks: false });
        perImage.push(analysis.timings);
        return analysis.faces.length;
      },
      inFlight,
    );
    // The warm-up images ran first; only the timed pass counts.
    const timed = perImage.slice(-paths.length);
    const stageMs: StageTimings = {};
    for (const timings of timed) {
      for (const [stage, ms] of Object.entries(timings)) addTiming(stageMs, stage as StageName, ms / timed.length);
    }
    return { ...throughput, stageMs };
  } finally {
    await models.release();
  }
}

/** "decode 3.1, detect 25.0, …" for a table cell. */
export function formatStageMs(stageMs: StageTimings): string {
  return Object.entries(stageMs)
    .map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`)
    .join(', ');
}
