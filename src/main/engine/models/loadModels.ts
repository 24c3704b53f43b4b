import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferencePool } from './inferencePool.js';
import {
  MANIFEST_FILE,
  modelManifestSchema,
  REBUILD_COMMAND,
  type CascadeId,
  type ModelManifest,
  type OnnxModelEntry,
  type OnnxModelId,
  type OperatorId,
} from './manifest.js';
import { createOrtSession, inThreadSession, type ModelSession } from './ortSession.js';

/** A model file that is missing, altered or unreadable; the message names the file and the fix. */
export class ModelIntegrityError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}; run "${REBUILD_COMMAND}" to rebuild resources/models`);
    this.name = 'ModelIntegrityError';
  }
}

export function readModelManifest(modelsDir: string): ModelManifest {
  const path = join(modelsDir, MANIFEST_FILE);
  if (!existsSync(path)) throw new ModelIntegrityError(path, 'model manifest is missing');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelIntegrityError(path, `model manifest is not valid JSON (${(error as Error).message})`);
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelIntegrityError(
      path,
      `model manifest is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Reads a file named by the manifest, refusing it unless size and sha256 match. */
function readVerified(modelsDir: string, entry: { file: string; sha256: string; bytes: number }): Buffer {
  const path = join(modelsDir, entry.file);
  if (!existsSync(path)) throw new ModelIntegrityError(path, 'model file is missing');
  const bytes = readFileSync(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== entry.bytes || actual !== entry.sha256) {
    throw new ModelIntegrityError(
      path,
      `model file is altered (sha256 ${actual.slice(0, 12)}…, ${bytes.length} bytes; the manifest expects ${entry.sha256.slice(0, 12)}…, ${entry.bytes} bytes)`,
    );
  }
  return bytes;
}

export interface SessionOptions {
  /** Threads ONNX Runtime may use inside one operator; 0 lets it pick (one per core). */
  readonly intraOpThreads?: number;
  /** Open the session on these inference workers instead of the calling thread. */
  readonly pool?: InferencePool;
}

export interface LoadedModel {
  readonly id: OnnxModelId;
  readonly entry: OnnxModelEntry;
  readonly session: ModelSession;
}

async function createSession(
  modelsDir: string,
  entry: { file: string; sha256: string; bytes: number },
  options: SessionOptions,
): Promise<ModelSession> {
  const bytes = readVerified(modelsDir, entry);
  const settings = { intraOpThreads: options.intraOpThreads ?? 0 };
  try {
    return options.pool
      ? await options.pool.openSession(entry.file, bytes, settings)
      : inThreadSession(await createOrtSession(bytes, settings));
  } catch (error) {
    throw new ModelIntegrityError(
      join(modelsDir, entry.file),
      `ONNX Runtime cannot load it (${(error as Error).message})`,
    );
  }
}

/** Verifies a model against the manifest and opens an ONNX Runtime session for it. */
export async function loadOnnxModel(
  modelsDir: string,
  manifest: ModelManifest,
  id: OnnxModelId,
  options: SessionOptions = {},
): Promise<LoadedModel> {
  const entry = manifest.models[id];
  return { id, entry, session: await createSession(modelsDir, entry, options) };
}

/** Verifies one of the forge's weightless operators and opens a session for it. */
export async function loadOnnxOperator(
  modelsDir: string,
  manifest: ModelManifest,
  id: OperatorId,
  options: SessionOptions = {},
): Promise<ModelSession> {
  return createSession(modelsDir, manifest.operators[id], options);
}

/** The verified path of a Haar cascade, for OpenCV's CascadeClassifier (which needs a file path). */
export function verifiedCascadePath(modelsDir: string, manifest: ModelManifest, id: CascadeId): string {
  const entry = manifest.cascades[id];
  readVerified(modelsDir, entry);
  return join(modelsDir, entry.file);
}

/** Checks every file the manifest lists, so a broken install is reported before the camera starts. */
export function verifyModelFiles(modelsDir: string, manifest: ModelManifest): void {
  const entries = [manifest.models, manifest.cascades, manifest.operators].flatMap((group) => Object.values(group));
  for (const entry of entries) {
    readVerified(modelsDir, entry);
  }
}
