import { SquareResizer } from '../image/squareInput.js';
import { InferencePool } from './inferencePool.js';
import {
  loadOnnxModel,
  loadOnnxOperator,
  readModelManifest,
  verifiedCascadePath,
  type LoadedModel,
  type SessionOptions,
} from './loadModels.js';
import type { CascadeId, ModelManifest, OnnxModelId } from './manifest.js';
import type { ModelSession } from './ortSession.js';

export interface ModelSetOptions {
  /** Threads ONNX Runtime may use inside one operator; 0 lets it pick (one per core). */
  readonly intraOpThreads?: number;
  /** Inference worker threads (see InferencePool); 0 runs ONNX Runtime on the calling thread. */
  readonly workers?: number;
}

/**
 * The verified models of one `resources/models` folder. Sessions open on first use and are then
 * shared by every stage that needs them.
 */
export class ModelSet {
  private readonly sessions = new Map<OnnxModelId, Promise<LoadedModel>>();
  private resizer: Promise<SquareResizer> | undefined;
  private pool: InferencePool | undefined;

  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
    private readonly options: ModelSetOptions,
  ) {}

  static open(dir: string, options: ModelSetOptions = {}): ModelSet {
    return new ModelSet(dir, readModelManifest(dir), options);
  }

  /** Where sessions open: the workers start with the first session, not with the manifest. */
  private get sessionOptions(): SessionOptions {
    const workers = this.options.workers ?? 0;
    if (workers > 0) this.pool ??= new InferencePool(workers);
    return { intraOpThreads: this.options.intraOpThreads ?? 0, ...(this.pool ? { pool: this.pool } : {}) };
  }

  model(id: OnnxModelId): Promise<LoadedModel> {
    let loading = this.sessions.get(id);
    if (!loading) {
      loading = loadOnnxModel(this.dir, this.manifest, id, this.sessionOptions);
      this.sessions.set(id, loading);
    }
    return loading;
  }

  squareResizer(): Promise<SquareResizer> {
    this.resizer ??= loadOnnxOperator(this.dir, this.manifest, 'squareResize', this.sessionOptions).then(
      (session) => new SquareResizer(session),
    );
    return this.resizer;
  }

  cascadePath(id: CascadeId): string {
    return verifiedCascadePath(this.dir, this.manifest, id);
  }

  /** A short id for templates: which network made a descriptor, down to its exact bytes. */
  descriptorModelId(): string {
    return `faceRecognition@${this.manifest.models.faceRecognition.sha256.slice(0, 16)}`;
  }

  async release(): Promise<void> {
    const sessions: ModelSession[] = [];
    for (const loading of this.sessions.values()) sessions.push((await loading).session);
    if (this.resizer) sessions.push((await this.resizer).session);
    await Promise.all(sessions.map((session) => session.release()));
    this.sessions.clear();
    this.resizer = undefined;
    await this.pool?.close();
    this.pool = undefined;
  }
}
