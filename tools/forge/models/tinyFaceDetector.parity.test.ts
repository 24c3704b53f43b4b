import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTinyFaceDetections } from '../../../src/main/engine/detect/tinyYoloDecode.js';
import type { DetectedFace } from '../../../src/main/engine/geometry.js';
import { toSquareInput, type RgbImage } from '../../../src/main/engine/image/preprocess.js';
import { onnxModelEntrySchema } from '../../../src/main/engine/models/manifest.js';
import { loadFaceApi } from '../../../test/support/faceApiReference.js';
import { readRgb } from '../../../test/support/images.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import { forgeModel } from '../forge.js';
import type { ForgedModel } from '../recipe.js';
import { tinyFaceDetectorRecipe } from './tinyFaceDetector.js';

/**
 * The forged tiny face detector must compute face-api's raw TinyYolov2 grid, and the grid plus
 * tinyYoloDecode must find the faces faceapi.detectAllFaces finds: same faces, scores within 1e-5,
 * box edges within 1e-4 of the box size.
 */

type FaceApi = Awaited<ReturnType<typeof loadFaceApi>>;

const GRID_CHANNELS = 25;
/** Grid logits reach ~40 and float32 summation noise grows with them, so the bound is relative (floor 1). */
const GRID_TOLERANCE = 1e-5;
const SCORE_TOLERANCE = 1e-5;
const BOX_TOLERANCE = 1e-4;
const INPUT_SIZES = [416, 320, 608];
const DETECTION_OPTIONS = { inputSize: 416, scoreThreshold: 0.3 };

let model: ForgedModel;
let session: ort.InferenceSession;
let faceapi: FaceApi;

beforeAll(async () => {
  model = forgeModel(tinyFaceDetectorRecipe);
  session = await ort.InferenceSession.create(Buffer.from(model.bytes));
  faceapi = await loadFaceApi();
});

async function onnxGrid(batch: Float32Array, size: number): Promise<Float32Array> {
  const count = batch.length / (size * size * 3);
  const results = await session.run({ input: new ort.Tensor('float32', batch, [count, size, size, 3]) });
  const grid = results['grid'];
  if (!grid) throw new Error('the model has no "grid" output');
  expect(grid.dims).toEqual([count, size / 32, size / 32, GRID_CHANNELS]);
  return grid.data as Float32Array;
}

/** face-api's forwardInput on HxWx3 images; it pads each bottom-right to a square and resizes it itself. */
async function referenceGrid(
  images: readonly { data: Float32Array; height: number; width: number }[],
  size: number,
): Promise<Float32Array> {
  const tensors = images.map(({ data, height, width }) => faceapi.tf.tensor3d(data, [height, width, 3]));
  const output = faceapi.nets.tinyFaceDetector.forwardInput(await faceapi.toNetInput(tensors), size);
  const grid = (await output.data()) as Float32Array;
  output.dispose();
  for (const tensor of tensors) tensor.dispose();
  return grid;
}

/** Largest |ours - reference| / max(1, |reference|). */
function maxScaledDiff(ours: Float32Array, reference: Float32Array): number {
  expect(ours.length).toBe(reference.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++) {
    const expected = reference[i] as number;
    max = Math.max(max, Math.abs((ours[i] as number) - expected) / Math.max(1, Math.abs(expected)));
  }
  return max;
}

function reportGrid(ours: Float32Array, reference: Float32Array, label: string): number {
  // A grid of zeros would agree trivially; real grids carry logits of several units.
  expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(1);
  let absolute = 0;
  for (let i = 0; i < ours.length; i++)
    absolute = Math.max(absolute, Math.abs((ours[i] as number) - (reference[i] as number)));
  const scaled = maxScaledDiff(ours, reference);
  console.log(
    `tinyFaceDetector grid parity, ${label}: max abs diff ${absolute.toExponential(2)}, max scaled diff ${scaled.toExponential(2)}`,
  );
  return scaled;
}

/** mulberry32: a tiny seeded generator, so the synthetic images are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function crop(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

const groupPhoto = (n: number): RgbImage => readRgb(sharedPath('bbt', 'group', `bbt${n}.jpg`));

/** The first distinct images named in the LFW dev pairs: 250x250, a face in the middle. */
function lfwImages(count: number): RgbImage[] {
  const lines = readFileSync(sharedPath('lfw-dev', 'pairsDevTest.txt'), 'utf8').split('\n').slice(1);
  const files = new Set<string>();
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) continue;
    const [name, first, second] = fields as [string, string, string];
    for (const index of [first, second]) {
      files.add(sharedPath('lfw-dev', 'images', name, `${name}_${index.padStart(4, '0')}.jpg`));
    }
    if (files.size >= count) break;
  }
  return [...files].slice(0, count).map(readRgb);
}

interface DetectionOptions {
  readonly inputSize: number;
  readonly scoreThreshold: number;
}

/** Our pipeline: toSquareInput (bottom-right) + ONNX + tinyYoloDecode. */
async function ourDetections(image: RgbImage, options: DetectionOptions): Promise<DetectedFace[]> {
  const grid = await onnxGrid(toSquareInput(image, options.inputSize, 'bottom-right'), options.inputSize);
  return decodeTinyFaceDetections(grid, image, options);
}

async function referenceDetections(image: RgbImage, options: DetectionOptions): Promise<DetectedFace[]> {
  const tensor = faceapi.tf.tensor3d(Float32Array.from(image.data), [image.height, image.width, 3]);
  const detections = await faceapi.detectAllFaces(tensor, new faceapi.TinyFaceDetectorOptions(options));
  tensor.dispose();
  return detections.map(({ box, score }) => ({
    box: { x: box.x, y: box.y, width: box.width, height: box.height },
    score,
  }));
}

/**
 * Asserts both lists hold the same faces: each reference face is matched to one of ours by the
 * nearest box (so near-equal scores may come out in either order), then compared.
 */
async function expectSameFaces(image: RgbImage, label: string, options = DETECTION_OPTIONS): Promise<number> {
  const [ours, reference] = await Promise.all([ourDetections(image, options), referenceDetections(image, options)]);
  expect(ours.length).toBe(reference.length);
  const unmatched = [...ours];
  let scoreDiff = 0;
  let boxDiff = 0;
  for (const expected of reference) {
    const { box } = expected;
    const distance = (face: DetectedFace): number =>
      Math.max(
        Math.abs(face.box.x - box.x) / box.width,
        Math.abs(face.box.y - box.y) / box.height,
        Math.abs(face.box.width - box.width) / box.width,
        Math.abs(face.box.height - box.height) / box.height,
      );
    const nearest = unmatched.reduce((best, face) => (distance(face) < distance(best) ? face : best));
    unmatched.splice(unmatched.indexOf(nearest), 1);
    scoreDiff = Math.max(scoreDiff, Math.abs(nearest.score - expected.score));
    boxDiff = Math.max(boxDiff, distance(nearest));
  }
  console.log(
    `tinyFaceDetector detections, ${label}: ${reference.length} faces, ` +
      `max score diff ${scoreDiff.toExponential(2)}, max box diff ${boxDiff.toExponential(2)} of the box size`,
  );
  expect(scoreDiff).toBeLessThanOrEqual(SCORE_TOLERANCE);
  expect(boxDiff).toBeLessThanOrEqual(BOX_TOLERANCE);
  return reference.length;
}

describe('tinyFaceDetector ONNX model', () => {
  it('declares a manifest-valid NHWC input of any square size and the raw grid output, under those names', () => {
    const input = onnxModelEntrySchema.shape.input.parse(model.input);
    const outputs = onnxModelEntrySchema.shape.outputs.parse(model.outputs);
    expect(input.shape).toEqual(['batch', 'height', 'width', 3]);
    expect(outputs.map((o) => [o.name, o.shape])).toEqual([
      ['grid', ['batch', 'gridHeight', 'gridWidth', GRID_CHANNELS]],
    ]);
    expect(session.inputNames).toEqual([input.name]);
    expect(session.outputNames).toEqual(['grid']);
  });

  it('forges identical bytes every time, small because the weights stay uint8', () => {
    const again = forgeModel(tinyFaceDetectorRecipe);
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(model.bytes))).toBe(0);
    expect(model.bytes.length).toBeLessThan(512 * 1024);
  });

  it.each(INPUT_SIZES)('matches face-api forwardInput on a seeded random and a constant image at %i', async (size) => {
    const pixels = size * size * 3;
    const random = seededRandom(20240607 + size);
    const batch = new Float32Array(2 * pixels);
    for (let i = 0; i < pixels; i++) batch[i] = Math.floor(random() * 256);
    batch.fill(128, pixels);
    const squares = [batch.subarray(0, pixels), batch.subarray(pixels)].map((data) => ({
      data,
      height: size,
      width: size,
    }));
    const reference = await referenceGrid(squares, size);
    const ours = await onnxGrid(batch, size);
    expect(reportGrid(ours, reference, `synthetic at ${size}`)).toBeLessThanOrEqual(GRID_TOLERANCE);
  });

  describe.skipIf(!hasSharedData)(`on real photos${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
    it.each(INPUT_SIZES)(
      'matches face-api forwardInput on a group photo, padded and resized by each side, at %i',
      async (size) => {
        const photo = groupPhoto(1);
        const ours = await onnxGrid(toSquareInput(photo, size, 'bottom-right'), size);
        const reference = await referenceGrid([{ ...photo, data: Float32Array.from(photo.data) }], size);
        expect(reportGrid(ours, reference, `bbt1 at ${size}`)).toBeLessThanOrEqual(GRID_TOLERANCE);
      },
    );

    it.each([1, 2, 3, 4, 5])('finds the faces detectAllFaces finds in group photo bbt%i', async (n) => {
      expect(await expectSameFaces(groupPhoto(n), `bbt${n}`)).toBeGreaterThanOrEqual(2);
    });

    it('finds the faces detectAllFaces finds in a portrait crop, padded on the right', async () => {
      const photo = groupPhoto(1);
      expect(
        await expectSameFaces(crop(photo, 300, 0, 500, photo.height), 'bbt1 portrait crop'),
      ).toBeGreaterThanOrEqual(1);
    });

    it.each([1, 2, 3, 4, 5])(
      'keeps the boxes face-api keeps from many overlapping candidates (bbt%i, score > 0.05)',
      async (n) => {
        const options = { inputSize: 416, scoreThreshold: 0.05 };
        expect(await expectSameFaces(groupPhoto(n), `bbt${n} at threshold 0.05`, options)).toBeGreaterThanOrEqual(2);
      },
    );

    it('finds the faces detectAllFaces finds in 20 LFW images, including where it finds none', async () => {
      let found = 0;
      for (const [i, image] of lfwImages(20).entries()) found += await expectSameFaces(image, `LFW image ${i}`);
      // The tiny detector misses some tightly framed LFW faces at 416, but not most of them.
      expect(found).toBeGreaterThanOrEqual(15);
    });
  });
});
