import { readModelManifest, verifyModelFiles } from './engine/models/loadModels.js';
import type { AppInfo } from '../shared/ipc.js';

export function describeApp(version: string, modelsDir: string): AppInfo {
  try {
    const manifest = readModelManifest(modelsDir);
    verifyModelFiles(modelsDir, manifest);
    const list = Object.entries(manifest.models).map(([id, entry]) => ({
      id,
      task: entry.task,
      file: entry.file,
      bytes: entry.bytes,
    }));
    return { version, models: { ok: true, list } };
  } catch (error) {
    return { version, models: { ok: false, error: (error as Error).message } };
  }
}
