import type * as ort from 'onnxruntime-node';

/**
 * The messages between an InferencePool and its worker threads. Every request carries a sequence
 * id; the worker answers each with the same id, in any order. Only ONNX Runtime runs there:
 * OpenCV's addon keeps per-process state and must stay on the main thread.
 */

/** A tensor as it crosses the thread boundary (ort.Tensor objects do not survive structured cloning). */
export interface TensorMessage {
  readonly type: ort.Tensor.Type;
  readonly dims: readonly number[];
  readonly data: ort.Tensor.DataType;
}

export type TensorMap = Readonly<Record<string, TensorMessage>>;

export interface SessionSettings {
  readonly intraOpThreads: number;
}

export interface InferenceCalls {
  /** Opens a session on model bytes the main thread has verified. */
  open: {
    readonly args: { readonly key: string; readonly bytes: Uint8Array; readonly settings: SessionSettings };
    readonly result: { readonly inputNames: readonly string[]; readonly outputNames: readonly string[] };
  };
  run: { readonly args: { readonly key: string; readonly feeds: TensorMap }; readonly result: TensorMap };
  release: { readonly args: { readonly key: string }; readonly result: null };
}

export type InferenceCall = keyof InferenceCalls;

export type InferenceRequest = {
  [C in InferenceCall]: { readonly seq: number; readonly call: C; readonly args: InferenceCalls[C]['args'] };
}[InferenceCall];

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type InferenceResponse =
  | { readonly seq: number; readonly ok: true; readonly result: InferenceCalls[InferenceCall]['result'] }
  | { readonly seq: number; readonly ok: false; readonly error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
}

export function deserializeError(error: SerializedError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}
