import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ONNX_MODEL_IDS } from './manifest.js';
import { loadOnnxModel, readModelManifest, verifiedCascadePath, verifyModelFiles } from './loadModels.js';

const shippedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../resources/models');

describe('model loading', () => {
  let modelsDir: string;
  beforeEach(() => {
    modelsDir = mkdtempSync(join(tmpdir(), 'clockface-models-'));
    cpSync(shippedDir, modelsDir, { recursive: true });
  });
  afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

  it('opens every model with the declared input and outputs', async () => {
    const manifest = readModelManifest(modelsDir);
    verifyModelFiles(modelsDir, manifest);
    for (const id of ONNX_MODEL_IDS) {
      const { session, entry } = await loadOnnxModel(modelsDir, manifest, id, { intraOpThreads: 1 });
      expect(session.inputNames).toEqual([entry.input.name]);
      expect(session.outputNames).toEqual(entry.outputs.map((o) => o.name));
      await session.release();
    }
    expect(verifiedCascadePath(modelsDir, manifest, 'haarFrontalFaceDefault')).toBe(
      join(modelsDir, 'haarcascade_frontalface_default.xml'),
    );
  });

  it('refuses a missing model, naming the file and the rebuild command', async () => {
    const manifest = readModelManifest(modelsDir);
    const file = join(modelsDir, manifest.models.faceRecognition.file);
    rmSync(file);
    await expect(loadOnnxModel(modelsDir, manifest, 'faceRecognition')).rejects.toThrow(
      `${file}: model file is missing; run "npm run models" to rebuild resources/models`,
    );
  });

  it('refuses an altered model (one byte changed)', async () => {
    const manifest = readModelManifest(modelsDir);
    const file = join(modelsDir, manifest.models.faceLandmark68.file);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(file, bytes);
    await expect(loadOnnxModel(modelsDir, manifest, 'faceLandmark68')).rejects.toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: model file is altered \\(sha256 [0-9a-f]{12}…`),
    );
  });

  it('refuses an altered cascade', () => {
    const manifest = readModelManifest(modelsDir);
    writeFileSync(join(modelsDir, manifest.cascades.haarFrontalFaceAlt2.file), '<opencv_storage/>');
    expect(() => verifyModelFiles(modelsDir, manifest)).toThrow(
      /haarcascade_frontalface_alt2\.xml: model file is altered/,
    );
  });

  it('refuses a missing or malformed manifest', () => {
    const path = join(modelsDir, 'manifest.json');
    writeFileSync(path, '{"formatVersion": 2}');
    expect(() => readModelManifest(modelsDir)).toThrow(`${path}: model manifest is malformed at formatVersion`);
    writeFileSync(path, '');
    expect(() => readModelManifest(modelsDir)).toThrow(`${path}: model manifest is not valid JSON`);
    rmSync(path);
    expect(() => readModelManifest(modelsDir)).toThrow(`${path}: model manifest is missing; run "npm run models"`);
  });
});
