import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { toSquareInput, type RgbImage } from '../../../src/main/engine/image/preprocess.js';
import { onnxModelEntrySchema } from '../../../src/main/engine/models/manifest.js';
import { loadFaceApi } from '../../../test/support/faceApiReference.js';
import { readRgb } from '../../../test/support/images.js';
import {
  cropRgb,
  lfwPairImages,
  maxAbsDiff,
  randomThenGreyBatch,
  splitSquares,
  type FaceApi,
  type FloatImage,
} from '../../../test/support/parity.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import { forgeModel } from '../forge.js';
import type { ForgedModel } from '../recipe.js';
import { faceRecognitionRecipe } from './faceRecognition.js';

/**
 * The forged recognition net must compute what face-api's faceRecognitionNet computes, on the same
 * 150x150 batch tensor, to within 1e-5 per descriptor component.
 */

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
async function referenceDescriptors(images: readonly FloatImage[]) {
  const tensors = images.map(({ data, height, width }) => faceapi.tf.tensor3d(data, [height, width, 3]));
  const output = faceapi.nets.faceRecognitionNet.forwardInput(await faceapi.toNetInput(tensors));
  const descriptors = (await output.data()) as Float32Array;
  output.dispose();
  for (const tensor of tensors) tensor.dispose();
  return descriptors;
}

/** Runs both implementations on the same batch and returns the largest disagreement. */
async function parity(batch: Float32Array, label: string): Promise<number> {
  const [ours, reference] = await Promise.all([
    onnxDescriptors(batch),
    referenceDescriptors(splitSquares(batch, SIZE)),
  ]);
  // A descriptor of zeros would agree trivially; real descriptors have components of order 0.1.
  expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.05);
  const diff = maxAbsDiff(ours, reference);
  console.log(`faceRecognition parity, ${label}: max abs diff ${diff.toExponential(2)}`);
  return diff;
}

function toBatch(images: readonly RgbImage[]): Float32Array {
  const batch = new Float32Array(images.length * PIXELS);
  images.forEach((image, i) => toSquareInput(image, SIZE, 'centred', batch, i));
  return batch;
}

/**
 * A taller-than-wide crop around an LFW face, so the centred padding and the resize both matter; the
 * odd width difference (29) checks which side gets the extra column.
 */
const faceCrop = (image: RgbImage): RgbImage => cropRgb(image, { x: 65, y: 50, width: 121, height: 150 });

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
    const batch = randomThenGreyBatch(SIZE, 4, 20240607);
    expect(await parity(batch, 'synthetic')).toBeLessThanOrEqual(TOLERANCE);
  });

  describe.skipIf(!hasSharedData)(`on real faces${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
    it('matches face-api on 10 LFW face crops, padded and resized by toSquareInput', async () => {
      const batch = toBatch(lfwPairImages(10, { distinct: false }).map(faceCrop));
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
      const crops = lfwPairImages(4, { distinct: false }).map(faceCrop);
      const ours = await onnxDescriptors(toBatch(crops));
      const reference = await referenceDescriptors(
        crops.map(({ data, height, width }) => ({ data: Float32Array.from(data), height, width })),
      );
      const diff = maxAbsDiff(ours, reference);
      console.log(`faceRecognition parity, LFW crops preprocessed by face-api: max abs diff ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });

    it('gives a batch of 8 the same descriptors as one image at a time', async () => {
      const batch = toBatch(lfwPairImages(8, { distinct: false }).map(faceCrop));
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
