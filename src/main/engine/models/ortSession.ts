import * as ort from 'onnxruntime-node';
import type { SessionSettings } from './inferenceProtocol.js';

/** One ONNX Runtime session with the engine's settings, wherever it runs. */
export function createOrtSession(bytes: Uint8Array, settings: SessionSettings): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: settings.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // Idle pool threads would otherwise spin for a while after each run: with one session per
    // model (and the resize operator just before each network), spinning pools steal the cores
    // from the session that has work (SSD measured 2.6x slower on two threads than on one).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

/** What the stages need of a session: ONNX Runtime's own, or one on an inference worker. */
export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, ort.Tensor>>): Promise<Readonly<Record<string, ort.Tensor>>>;
  release(): Promise<void>;
}

export function inThreadSession(session: ort.InferenceSession): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run: async (feeds) => (await session.run(feeds)) as Readonly<Record<string, ort.Tensor>>,
    release: () => session.release(),
  };
}
