import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import {
  deserializeError,
  type InferenceCall,
  type InferenceCalls,
  type InferenceRequest,
  type InferenceResponse,
  type SessionSettings,
  type TensorMap,
} from './inferenceProtocol.js';
import type { ModelSession } from './ortSession.js';

/** The worker's entry as electron-vite emits it beside the main bundle (see electron.vite.config.ts). */
export const BUNDLED_INFERENCE_WORKER = 'inferenceWorker.js';

/**
 * From source (tsx, vitest) the worker registers tsx's loader, then imports the TypeScript entry;
 * from the Electron bundle it runs the emitted JavaScript file beside the main bundle.
 */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${BUNDLED_INFERENCE_WORKER}`, here));
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href;
  const entry = new URL('./inferenceWorker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

interface PendingCall {
  readonly resolve: (result: never) => void;
  readonly reject: (error: Error) => void;
}

/** One worker thread and the calls it has not answered yet. */
class InferenceThread {
  private readonly worker = spawnWorker();
  private readonly pending = new Map<number, PendingCall>();
  private nextSeq = 1;
  /** Why the thread stopped; once set, every call fails with it. */
  private stopped: Error | null = null;

  constructor() {
    this.worker.on('message', (response: InferenceResponse) => {
      const call = this.pending.get(response.seq);
      if (!call) return;
      this.settle(response.seq);
      if (response.ok) call.resolve(response.result as never);
      else call.reject(deserializeError(response.error));
    });
    this.worker.on('error', (error) => this.stop(new Error(`an inference worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.stop(new Error(`an inference worker exited (code ${code})`)));
    // An idle worker must not keep a finished CLI run alive; a busy one must.
    this.worker.unref();
  }

  get load(): number {
    return this.stopped ? Number.POSITIVE_INFINITY : this.pending.size;
  }

  call<C extends InferenceCall>(call: C, args: InferenceCalls[C]['args']): Promise<InferenceCalls[C]['result']> {
    if (this.stopped) return Promise.reject(this.stopped);
    const seq = this.nextSeq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (result: never) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ seq, call, args } as InferenceRequest);
    });
  }

  private settle(seq: number): void {
    this.pending.delete(seq);
    if (this.pending.size === 0) this.worker.unref();
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const [seq, call] of this.pending) {
      this.settle(seq);
      call.reject(this.stopped);
    }
  }

  async terminate(): Promise<void> {
    this.stop(new Error('the inference workers were closed'));
    await this.worker.terminate();
  }
}

function toMessages(feeds: Readonly<Record<string, ort.Tensor>>): TensorMap {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, tensor]) => [
      name,
      { type: tensor.type, dims: tensor.dims, data: tensor.data as ort.Tensor.DataType },
    ]),
  );
}

function fromMessages(messages: TensorMap): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(messages).map(([name, { type, data, dims }]) => [name, new ort.Tensor(type, data, dims)]),
  );
}

/**
 * ONNX Runtime on worker threads. onnxruntime-node's run() computes on the calling thread
 * (measured: SSD held the event loop for up to half a second), so every session opens on each
 * worker and each run goes to the least busy one; the event loop only copies tensors.
 */
export class InferencePool {
  private readonly threads: readonly InferenceThread[];
  private nextKey = 1;

  constructor(workers: number) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`inference workers must be a whole number of at least 1, got ${workers}`);
    }
    this.threads = Array.from({ length: workers }, () => new InferenceThread());
  }

  /** Opens the model on every worker; `name` appears in errors. */
  async openSession(name: string, bytes: Uint8Array, settings: SessionSettings): Promise<ModelSession> {
    const key = `${name}#${this.nextKey++}`;
    const [names] = await Promise.all(this.threads.map((thread) => thread.call('open', { key, bytes, settings })));
    return {
      inputNames: names?.inputNames ?? [],
      outputNames: names?.outputNames ?? [],
      run: async (feeds) => {
        const thread = this.threads.reduce((best, candidate) => (candidate.load < best.load ? candidate : best));
        return fromMessages(await thread.call('run', { key, feeds: toMessages(feeds) }));
      },
      release: async () => {
        await Promise.all(this.threads.map((thread) => thread.call('release', { key }).catch(() => null)));
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
