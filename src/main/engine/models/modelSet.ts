import type * as ort from 'onnxruntime-node';
import { SquareResizer } from '../image/squareInput.js';
import {
  loadOnnxModel,
  loadOnnxOperator,
  readModelManifest,
  verifiedCascadePath,
  type LoadedModel,
  type SessionOptions,
} from './loadModels.js';
import type { CascadeId, ModelManifest, OnnxModelId } from './manifest.js';

/**
 * The verified models of one `resources/models` folder. Sessions open on first use and are then
 * shared by every stage that needs them.
 */
export class ModelSet {
  private readonly sessions = new Map<OnnxModelId, Promise<LoadedModel>>();
  private resizer: Promise<SquareResizer> | undefined;

  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
    private readonly options: SessionOptions,
  ) {}

  static open(dir: string, options: SessionOptions = {}): ModelSet {
    return new ModelSet(dir, readModelManifest(dir), options);
  }

  model(id: OnnxModelId): Promise<LoadedModel> {
    let loading = this.sessions.get(id);
    if (!loading) {
      loading = loadOnnxModel(this.dir, this.manifest, id, this.options);
      this.sessions.set(id, loading);
    }
    return loading;
  }

  squareResizer(): Promise<SquareResizer> {
    this.resizer ??= loadOnnxOperator(this.dir, this.manifest, 'squareResize', this.options).then(
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
    const sessions: ort.InferenceSession[] = [];
    for (const loading of this.sessions.values()) sessions.push((await loading).session);
    if (this.resizer) sessions.push((await this.resizer).session);
    await Promise.all(sessions.map((session) => session.release()));
    this.sessions.clear();
    this.resizer = undefined;
  }
}
