import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceAnalyser, type ImageInput } from '../analyser/faceAnalyser.js';
import { engineConfigSchema } from '../config.js';
import { decodeImageFile } from '../image/decodeImage.js';
import { InferencePool } from './inferencePool.js';
import { ModelSet } from './modelSet.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const modelsDir = join(repoRoot, 'resources', 'models');
const demoPhoto = (n: number) => join(repoRoot, 'node_modules', '@vladmandic', 'face-api', 'demo', `sample${n}.jpg`);
// One ONNX Runtime thread on both sides: the numbers must then agree to the last bit.
const config = engineConfigSchema.parse({ intraOpThreads: 1 });

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, index) => Math.max(max, Math.abs(value - (b[index] as number))), 0);
}

describe('face analysis with ONNX Runtime on inference workers', () => {
  let onWorkers: FaceAnalyser;
  let inThread: FaceAnalyser;
  beforeAll(async () => {
    [onWorkers, inThread] = await Promise.all([
      FaceAnalyser.load(ModelSet.open(modelsDir, { intraOpThreads: 1, workers: 2 }), config),
      FaceAnalyser.load(ModelSet.open(modelsDir, { intraOpThreads: 1, workers: 0 }), config),
    ]);
  });
  afterAll(async () => {
    await Promise.all([onWorkers.close(), inThread.close()]);
  });

  it('finds the same faces with the same descriptors as ONNX Runtime on this thread', async () => {
    const input: ImageInput = { kind: 'file', path: demoPhoto(1) };
    const [remote, local] = await Promise.all([onWorkers.analyse(input), inThread.analyse(input)]);
    expect(remote.faces).toHaveLength(3);
    remote.faces.forEach((face, index) => {
      const other = local.faces[index];
      expect(face.box).toEqual(other?.box);
      expect(face.landmarks).toEqual(other?.landmarks);
      expect(maxAbsDifference(face.descriptor as Float32Array, other?.descriptor as Float32Array)).toBe(0);
    });
  });

  it('answers concurrent calls each with its own result, across both workers', async () => {
    const photos = [1, 2, 3, 4, 5, 6, 1, 3];
    const concurrent = await Promise.all(photos.map((n) => onWorkers.analyse({ kind: 'file', path: demoPhoto(n) })));
    for (const [index, n] of photos.entries()) {
      const alone = await inThread.analyse({ kind: 'file', path: demoPhoto(n) });
      const together = concurrent[index];
      expect(together?.faces.map((face) => face.box)).toEqual(alone.faces.map((face) => face.box));
      together?.faces.forEach((face, k) =>
        expect(maxAbsDifference(face.descriptor as Float32Array, alone.faces[k]?.descriptor as Float32Array)).toBe(0),
      );
    }
  });

  it('analyses raw BGR frames as it analyses the file they came from', async () => {
    const image = await decodeImageFile(demoPhoto(1));
    const frame: ImageInput = {
      kind: 'bgr',
      width: image.width,
      height: image.height,
      data: image.bgr.getData(),
      name: 'frame 1',
    };
    const [fromFrame, fromFile] = await Promise.all([
      onWorkers.analyse(frame, { fallbacks: false }),
      onWorkers.analyse({ kind: 'file', path: demoPhoto(1) }),
    ]);
    expect(fromFrame.faces.map((face) => face.box)).toEqual(fromFile.faces.map((face) => face.box));
    await expect(onWorkers.analyse({ ...frame, data: new Uint8Array(100), name: 'frame 7' })).rejects.toThrow(
      'frame 7: 100 bytes do not make a 1920x1280 BGR image',
    );
  });

  it('skips descriptors when asked and runs several detectors in one call', async () => {
    const input: ImageInput = { kind: 'file', path: demoPhoto(1) };
    const [tracked, detections] = await Promise.all([
      onWorkers.analyse(input, { describe: false }),
      onWorkers.detect(input, ['configured', 'haar', 'low-score']),
    ]);
    expect(tracked.faces).toHaveLength(3);
    expect(tracked.faces.every((face) => face.descriptor === null)).toBe(true);
    const [ssd = [], haar = [], low = []] = detections.faces;
    expect(ssd).toHaveLength(3);
    expect(haar.length).toBeGreaterThan(0);
    expect(low.length).toBeGreaterThanOrEqual(ssd.length);
  });
});

describe('InferencePool', () => {
  const recognition = () => {
    const manifest = ModelSet.open(modelsDir).manifest;
    return join(modelsDir, manifest.models.faceRecognition.file);
  };

  it('passes ONNX Runtime errors back by name and message, and keeps serving', async () => {
    const pool = new InferencePool(1);
    try {
      const session = await pool.openSession('face-recognition.onnx', readFileSync(recognition()), {
        intraOpThreads: 1,
      });
      expect(session.inputNames).toEqual(['input']);
      const wrongName = session.run({ nope: new ort.Tensor('float32', new Float32Array(3), [3]) });
      await expect(wrongName).rejects.toThrow("input 'input' is missing in 'feeds'.");
      const chip = new ort.Tensor('float32', new Float32Array(150 * 150 * 3).fill(128), [1, 150, 150, 3]);
      const output = await session.run({ input: chip });
      expect(Object.values(output)[0]?.dims).toEqual([1, 128]);
      await expect(pool.openSession('garbage.onnx', new Uint8Array([1, 2, 3]), { intraOpThreads: 1 })).rejects.toThrow(
        /protobuf|parsing failed|load model/i,
      );
    } finally {
      await pool.close();
    }
  });

  it('fails calls after close with a clear error, and refuses a worker count below 1', async () => {
    const pool = new InferencePool(1);
    await pool.close();
    await expect(pool.openSession('x.onnx', new Uint8Array(1), { intraOpThreads: 1 })).rejects.toThrow(
      'the inference workers were closed',
    );
    expect(() => new InferencePool(0)).toThrow('inference workers must be a whole number of at least 1, got 0');
  });
});
