import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { toSquareInput, type RgbImage } from '../../../src/main/engine/image/preprocess.js';
import { onnxModelEntrySchema } from '../../../src/main/engine/models/manifest.js';
import { loadFaceApi } from '../../../test/support/faceApiReference.js';
import { readRgb } from '../../../test/support/images.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import { forgeModel } from '../forge.js';
import type { ForgedModel } from '../recipe.js';
import { faceRecognitionRecipe } from './faceRecognition.js';

/**
 * The forged recognition net must compute what face-api's faceRecognitionNet computes, on the same
 * 150x150 batch tensor, to within 1e-5 per descriptor component.
 */

type FaceApi = Awaited<ReturnType<typeof loadFaceApi>>;

const SIZE = 150;
const PIXELS = SIZE * SIZE * 3;
const DESCRIPTOR = 128;
const TOLERANCE = 1e-5;

let model: ForgedModel;
let session: ort.InferenceSession;
let faceapi: FaceApi;

beforeAll(async () => {
  model = forgeModel(faceRecognitionRecipe);
  session = await ort.InferenceSession.create(Buffer.from(model.bytes));
  faceapi = await loadFaceApi();
});

async function onnxDescriptors(batch: Float32Array): Promise<Float32Array> {
  const count = batch.length / PIXELS;
  const results = await session.run({ input: new ort.Tensor('float32', batch, [count, SIZE, SIZE, 3]) });
  const descriptor = results['descriptor'];
  if (!descriptor) throw new Error('the model has no "descriptor" output');
  expect(descriptor.dims).toEqual([count, DESCRIPTOR]);
  return descriptor.data as Float32Array;
}

/** face-api on a list of HxWx3 images; it pads each to a centred square and resizes to 150 itself. */
async function referenceDescriptors(images: readonly { data: Float32Array; height: number; width: number }[]) {
  const tensors = images.map(({ data, height, width }) => faceapi.tf.tensor3d(data, [height, width, 3]));
  const output = faceapi.nets.faceRecognitionNet.forwardInput(await faceapi.toNetInput(tensors));
  const descriptors = (await output.data()) as Float32Array;
  output.dispose();
  for (const tensor of tensors) tensor.dispose();
  return descriptors;
}

/** Splits a 150x150 NHWC batch into the per-image tensors face-api takes. */
function squareImages(batch: Float32Array) {
  return Array.from({ length: batch.length / PIXELS }, (_, i) => ({
    data: batch.subarray(i * PIXELS, (i + 1) * PIXELS),
    height: SIZE,
    width: SIZE,
  }));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** Runs both implementations on the same batch and returns the largest disagreement. */
async function parity(batch: Float32Array, label: string): Promise<number> {
  const [ours, reference] = await Promise.all([onnxDescriptors(batch), referenceDescriptors(squareImages(batch))]);
  // A descriptor of zeros would agree trivially; real descriptors have components of order 0.1.
  expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.05);
  const diff = maxAbsDiff(ours, reference);
  console.log(`faceRecognition parity, ${label}: max abs diff ${diff.toExponential(2)}`);
  return diff;
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

function toBatch(images: readonly RgbImage[]): Float32Array {
  const batch = new Float32Array(images.length * PIXELS);
  images.forEach((image, i) => toSquareInput(image, SIZE, 'centred', batch, i));
  return batch;
}

/** Both images of the first same-person pairs in the LFW dev split: 250x250, face in the middle. */
function lfwImages(count: number): RgbImage[] {
  const lines = readFileSync(sharedPath('lfw-dev', 'pairsDevTest.txt'), 'utf8').split('\n').slice(1);
  const files: string[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) continue;
    const [name, first, second] = fields as [string, string, string];
    for (const index of [first, second]) {
      files.push(sharedPath('lfw-dev', 'images', name, `${name}_${index.padStart(4, '0')}.jpg`));
    }
    if (files.length >= count) break;
  }
  return files.slice(0, count).map(readRgb);
}

/**
 * A taller-than-wide crop around an LFW face, so the centred padding and the resize both matter; the
 * odd width difference (29) checks which side gets the extra column.
 */
const faceCrop = (image: RgbImage): RgbImage => crop(image, 65, 50, 121, 150);

describe('faceRecognition ONNX model', () => {
  it('declares a manifest-valid NHWC input and a 128-d descriptor output, under those names', () => {
    const input = onnxModelEntrySchema.shape.input.parse(model.input);
    const outputs = onnxModelEntrySchema.shape.outputs.parse(model.outputs);
    expect(input.shape).toEqual(['batch', SIZE, SIZE, 3]);
    expect(outputs.map((o) => [o.name, o.shape])).toEqual([['descriptor', ['batch', DESCRIPTOR]]]);
    expect(session.inputNames).toEqual([input.name]);
    expect(session.outputNames).toEqual(['descriptor']);
  });

  it('forges identical bytes every time, small enough because most weights stay uint8', () => {
    const again = forgeModel(faceRecognitionRecipe);
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(model.bytes))).toBe(0);
    expect(model.bytes.length).toBeLessThan(8 * 1024 * 1024);
  });

  it('matches face-api on seeded random images and a constant image', async () => {
    const random = seededRandom(20240607);
    const count = 5;
    const batch = new Float32Array(count * PIXELS);
    for (let i = 0; i < (count - 1) * PIXELS; i++) batch[i] = Math.floor(random() * 256);
    batch.fill(128, (count - 1) * PIXELS);
    expect(await parity(batch, 'synthetic')).toBeLessThanOrEqual(TOLERANCE);
  });

  describe.skipIf(!hasSharedData)(`on real faces${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
    it('matches face-api on 10 LFW face crops, padded and resized by toSquareInput', async () => {
      const batch = toBatch(lfwImages(10).map(faceCrop));
      expect(await parity(batch, 'LFW crops')).toBeLessThanOrEqual(TOLERANCE);
    });

    it('matches face-api on the bbt people crops (150x150 greyscale)', async () => {
      const people = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
      const images = people.flatMap((name) =>
        [1, 2].map((n) => readRgb(sharedPath('bbt', 'people', name, `${name}${n}.png`))),
      );
      expect(await parity(toBatch(images), 'bbt people')).toBeLessThanOrEqual(TOLERANCE);
    });

    it('matches face-api end to end when face-api pads and resizes the raw crops itself', async () => {
      const crops = lfwImages(4).map(faceCrop);
      const ours = await onnxDescriptors(toBatch(crops));
      const reference = await referenceDescriptors(
        crops.map(({ data, height, width }) => ({ data: Float32Array.from(data), height, width })),
      );
      const diff = maxAbsDiff(ours, reference);
      console.log(`faceRecognition parity, LFW crops preprocessed by face-api: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });

    it('gives a batch of 8 the same descriptors as one image at a time', async () => {
      const batch = toBatch(lfwImages(8).map(faceCrop));
      const together = await onnxDescriptors(batch);
      const alone = new Float32Array(together.length);
      for (let i = 0; i < 8; i++) {
        alone.set(await onnxDescriptors(batch.slice(i * PIXELS, (i + 1) * PIXELS)), i * DESCRIPTOR);
      }
      const diff = maxAbsDiff(together, alone);
      console.log(`faceRecognition batch of 8 vs one at a time: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});
