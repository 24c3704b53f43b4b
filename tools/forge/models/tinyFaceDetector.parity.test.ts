import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTinyFaceDetections } from '../../../src/main/engine/detect/tinyYoloDecode.js';
import type { DetectedFace } from '../../../src/main/engine/geometry.js';
import { toSquareInput, type RgbImage } from '../../../src/main/engine/image/preprocess.js';
import { onnxModelEntrySchema } from '../../../src/main/engine/models/manifest.js';
import { loadFaceApi } from '../../../test/support/faceApiReference.js';
import {
  asFloatImage,
  bbtGroupPhoto,
  cropRgb,
  expectSameDetections,
  faceApiDetections,
  lfwPairImages,
  maxAbsDiff,
  maxScaledDiff,
  randomThenGreyBatch,
  splitSquares,
  type FaceApi,
  type FloatImage,
} from '../../../test/support/parity.js';
import { hasSharedData, sharedDataSkipReason } from '../../../test/support/sharedData.js';
import { forgeModel } from '../forge.js';
import type { ForgedModel } from '../recipe.js';
import { tinyFaceDetectorRecipe } from './tinyFaceDetector.js';

/**
 * The forged tiny face detector must compute face-api's raw TinyYolov2 grid, and the grid plus
 * tinyYoloDecode must find the faces faceapi.detectAllFaces finds: same faces, scores within 1e-5,
 * box edges within 1e-4 of the box size.
 */

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
async function referenceGrid(images: readonly FloatImage[], size: number): Promise<Float32Array> {
  const tensors = images.map(({ data, height, width }) => faceapi.tf.tensor3d(data, [height, width, 3]));
  const output = faceapi.nets.tinyFaceDetector.forwardInput(await faceapi.toNetInput(tensors), size);
  const grid = (await output.data()) as Float32Array;
  output.dispose();
  for (const tensor of tensors) tensor.dispose();
  return grid;
}

function reportGrid(ours: Float32Array, reference: Float32Array, label: string): number {
  // A grid of zeros would agree trivially; real grids carry logits of several units.
  expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(1);
  const absolute = maxAbsDiff(ours, reference);
  const scaled = maxScaledDiff(ours, reference);
  console.log(
    `tinyFaceDetector grid parity, ${label}: max abs diff ${absolute.toExponential(2)}, max scaled diff ${scaled.toExponential(2)}`,
  );
  return scaled;
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

/** Asserts our pipeline and faceapi.detectAllFaces find the same faces; returns how many. */
async function expectSameFaces(image: RgbImage, label: string, options = DETECTION_OPTIONS): Promise<number> {
  const [ours, reference] = await Promise.all([
    ourDetections(image, options),
    faceApiDetections(faceapi, image, new faceapi.TinyFaceDetectorOptions(options)),
  ]);
  return expectSameDetections(ours, reference, `tinyFaceDetector detections, ${label}`, {
    score: SCORE_TOLERANCE,
    box: BOX_TOLERANCE,
  });
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
    const batch = randomThenGreyBatch(size, 1, 20240607 + size);
    const reference = await referenceGrid(splitSquares(batch, size), size);
    const ours = await onnxGrid(batch, size);
    expect(reportGrid(ours, reference, `synthetic at ${size}`)).toBeLessThanOrEqual(GRID_TOLERANCE);
  });

  describe.skipIf(!hasSharedData)(`on real photos${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
    it.each(INPUT_SIZES)(
      'matches face-api forwardInput on a group photo, padded and resized by each side, at %i',
      async (size) => {
        const photo = bbtGroupPhoto(1);
        const ours = await onnxGrid(toSquareInput(photo, size, 'bottom-right'), size);
        const reference = await referenceGrid([asFloatImage(photo)], size);
        expect(reportGrid(ours, reference, `bbt1 at ${size}`)).toBeLessThanOrEqual(GRID_TOLERANCE);
      },
    );

    it.each([1, 2, 3, 4, 5])('finds the faces detectAllFaces finds in group photo bbt%i', async (n) => {
      expect(await expectSameFaces(bbtGroupPhoto(n), `bbt${n}`)).toBeGreaterThanOrEqual(2);
    });

    it('finds the faces detectAllFaces finds in a portrait crop, padded on the right', async () => {
      const photo = bbtGroupPhoto(1);
      expect(
        await expectSameFaces(cropRgb(photo, { x: 300, y: 0, width: 500, height: photo.height }), 'bbt1 portrait crop'),
      ).toBeGreaterThanOrEqual(1);
    });

    it.each([1, 2, 3, 4, 5])(
      'keeps the boxes face-api keeps from many overlapping candidates (bbt%i, score > 0.05)',
      async (n) => {
        const options = { inputSize: 416, scoreThreshold: 0.05 };
        expect(await expectSameFaces(bbtGroupPhoto(n), `bbt${n} at threshold 0.05`, options)).toBeGreaterThanOrEqual(2);
      },
    );

    it('finds the faces detectAllFaces finds in 20 LFW images, including where it finds none', async () => {
      let found = 0;
      for (const [i, image] of lfwPairImages(20, { distinct: true }).entries())
        found += await expectSameFaces(image, `LFW image ${i}`);
      // The tiny detector misses some tightly framed LFW faces at 416, but not most of them.
      expect(found).toBeGreaterThanOrEqual(15);
    });
  });
});
