import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSsdBoxes,
  decodeSsdDetections,
  SSD_INPUT_SIZE,
  ssdFaceScores,
  type SsdDecodeOptions,
} from '../../../src/main/engine/detect/ssdDecode.js';
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
  randomThenGreyBatch,
  splitSquares,
  type FaceApi,
  type FloatImage,
} from '../../../test/support/parity.js';
import { hasSharedData, sharedDataSkipReason } from '../../../test/support/sharedData.js';
import { faceApiWeightsDir, forgeModel } from '../forge.js';
import type { ForgedModel } from '../recipe.js';
import { loadTfjsWeights } from '../weights.js';
import { SSD_ANCHOR_COUNT, SSD_CLASS_COUNT, ssdMobilenetv1Recipe } from './ssdMobilenetv1.js';

/**
 * The forged SSD MobileNetV1 plus ssdDecode must compute what face-api computes: forwardInput's
 * decoded boxes and scores for every anchor, and faceapi.detectAllFaces' faces (same faces,
 * scores within 1e-5, box edges within 1e-4 of the box size). toSquareInput must also prepare
 * the pixels as face-api's toBatchTensor(512, false) does.
 */

const SCORE_TOLERANCE = 1e-5;
const BOX_TOLERANCE = 1e-4;
/** Both sides interpolate in float32; the pixels are 0..255. */
const PIXEL_TOLERANCE = 1e-3;
const DETECTION_OPTIONS = { minConfidence: 0.3 };
const SIZE = SSD_INPUT_SIZE;
const PIXELS = SIZE * SIZE * 3;

let model: ForgedModel;
let session: ort.InferenceSession;
let faceapi: FaceApi;

beforeAll(async () => {
  model = forgeModel(ssdMobilenetv1Recipe);
  session = await ort.InferenceSession.create(Buffer.from(model.bytes));
  faceapi = await loadFaceApi();
});

interface PerAnchor {
  /** [anchors, 4] as [ymin, xmin, ymax, xmax] fractions of the square, per image. */
  readonly boxes: Float32Array[];
  readonly scores: Float32Array[];
}

interface OnnxOutputs {
  readonly boxEncodings: Float32Array;
  readonly classLogits: Float32Array;
  readonly anchors: Float32Array;
}

async function runOnnx(batch: Float32Array): Promise<OnnxOutputs> {
  const count = batch.length / PIXELS;
  const results = await session.run({ input: new ort.Tensor('float32', batch, [count, SIZE, SIZE, 3]) });
  const output = (name: string, dims: number[]): Float32Array => {
    const tensor = results[name];
    if (!tensor) throw new Error(`the model has no "${name}" output`);
    expect(tensor.dims).toEqual(dims);
    return tensor.data as Float32Array;
  };
  return {
    boxEncodings: output('box_encodings', [count, SSD_ANCHOR_COUNT, 4]),
    classLogits: output('class_logits', [count, SSD_ANCHOR_COUNT, SSD_CLASS_COUNT]),
    anchors: output('anchors', [SSD_ANCHOR_COUNT, 4]),
  };
}

/** The ONNX outputs decoded per anchor with ssdDecode, as face-api's outputLayer would. */
async function onnxPerAnchor(batch: Float32Array): Promise<PerAnchor> {
  const { boxEncodings, classLogits, anchors } = await runOnnx(batch);
  const count = batch.length / PIXELS;
  const image = (values: Float32Array, width: number, index: number): Float32Array =>
    values.subarray(index * SSD_ANCHOR_COUNT * width, (index + 1) * SSD_ANCHOR_COUNT * width);
  return {
    boxes: Array.from({ length: count }, (_, i) => decodeSsdBoxes(image(boxEncodings, 4, i), anchors)),
    scores: Array.from({ length: count }, (_, i) => ssdFaceScores(image(classLogits, SSD_CLASS_COUNT, i))),
  };
}

/** face-api's forwardInput on HxWx3 images; it pads each bottom-right to a square and resizes it itself. */
async function referencePerAnchor(images: readonly FloatImage[]): Promise<PerAnchor> {
  const tensors = images.map(({ data, height, width }) => faceapi.tf.tensor3d(data, [height, width, 3]));
  const { boxes, scores } = faceapi.nets.ssdMobilenetv1.forwardInput(await faceapi.toNetInput(tensors));
  const result = {
    boxes: await Promise.all(boxes.map(async (t) => (await t.data()) as Float32Array)),
    scores: await Promise.all(scores.map(async (t) => (await t.data()) as Float32Array)),
  };
  for (const tensor of [...boxes, ...scores, ...tensors]) tensor.dispose();
  return result;
}

/** Largest corner difference as a fraction of the reference box's height (y) or width (x). */
function maxBoxDiff(ours: Float32Array, reference: Float32Array): number {
  expect(ours.length).toBe(reference.length);
  let max = 0;
  for (let i = 0; i < reference.length; i += 4) {
    const size = [0, 1].map((axis) => (reference[i + axis + 2] as number) - (reference[i + axis] as number));
    for (let k = 0; k < 4; k++) {
      const diff = Math.abs((ours[i + k] as number) - (reference[i + k] as number));
      max = Math.max(max, diff / (size[k % 2] as number));
    }
  }
  return max;
}

function expectSamePerAnchor(ours: PerAnchor, reference: PerAnchor, label: string): void {
  expect(ours.boxes.length).toBe(reference.boxes.length);
  for (const [i, referenceScores] of reference.scores.entries()) {
    const oursBoxes = ours.boxes[i] as Float32Array;
    const referenceBoxes = reference.boxes[i] as Float32Array;
    const boxDiff = maxBoxDiff(oursBoxes, referenceBoxes);
    const scoreDiff = maxAbsDiff(ours.scores[i] as Float32Array, referenceScores);
    console.log(
      `ssdMobilenetv1 per-anchor parity, ${label} #${i}: max box corner diff ` +
        `${maxAbsDiff(oursBoxes, referenceBoxes).toExponential(2)} of the square, ${boxDiff.toExponential(2)} of the box size; ` +
        `max score diff ${scoreDiff.toExponential(2)} (best score ${Math.max(...referenceScores).toFixed(4)})`,
    );
    expect(boxDiff).toBeLessThanOrEqual(BOX_TOLERANCE);
    expect(scoreDiff).toBeLessThanOrEqual(SCORE_TOLERANCE);
  }
}

/** bbt1 is landscape (padded at the bottom); this crop is portrait, so it is padded on the right. */
const portraitCrop = (): RgbImage => {
  const photo = bbtGroupPhoto(1);
  return cropRgb(photo, { x: 300, y: 0, width: 500, height: photo.height });
};

/** Our pipeline: toSquareInput (bottom-right) + ONNX + ssdDecode. */
async function ourDetections(image: RgbImage, options: SsdDecodeOptions): Promise<DetectedFace[]> {
  const { boxEncodings, classLogits, anchors } = await runOnnx(toSquareInput(image, SIZE, 'bottom-right'));
  return decodeSsdDetections({ boxEncodings, classLogits, anchors }, image, options);
}

/** Asserts our pipeline and faceapi.detectAllFaces find the same faces; returns how many. */
async function expectSameFaces(
  image: RgbImage,
  label: string,
  options: SsdDecodeOptions = DETECTION_OPTIONS,
): Promise<number> {
  const [ours, reference] = await Promise.all([
    ourDetections(image, options),
    faceApiDetections(faceapi, image, new faceapi.SsdMobilenetv1Options(options)),
  ]);
  return expectSameDetections(ours, reference, `ssdMobilenetv1 detections, ${label}`, {
    score: SCORE_TOLERANCE,
    box: BOX_TOLERANCE,
  });
}

describe('ssdMobilenetv1 ONNX model', () => {
  it('declares a manifest-valid 512x512 NHWC input and the raw predictor outputs, under those names', () => {
    const input = onnxModelEntrySchema.shape.input.parse(model.input);
    const outputs = onnxModelEntrySchema.shape.outputs.parse(model.outputs);
    expect(input.shape).toEqual(['batch', SIZE, SIZE, 3]);
    expect(outputs.map((o) => [o.name, o.shape])).toEqual([
      ['box_encodings', ['batch', SSD_ANCHOR_COUNT, 4]],
      ['class_logits', ['batch', SSD_ANCHOR_COUNT, SSD_CLASS_COUNT]],
      ['anchors', [SSD_ANCHOR_COUNT, 4]],
    ]);
    expect(session.inputNames).toEqual([input.name]);
    expect(session.outputNames).toEqual(['box_encodings', 'class_logits', 'anchors']);
  });

  it('forges identical bytes every time, small because the weights stay uint8', () => {
    const again = forgeModel(ssdMobilenetv1Recipe);
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(model.bytes))).toBe(0);
    // ~5.5M parameters: about 22 MB as float32, under 6 MB as uint8 codes plus the float32 anchors.
    expect(model.bytes.length).toBeLessThan(6 * 1024 * 1024);
  });

  it("outputs face-api's anchors (Output/extra_dim) bit for bit", async () => {
    const extraDim = loadTfjsWeights(faceApiWeightsDir(), ssdMobilenetv1Recipe.faceApiModel).get('Output/extra_dim');
    expect(extraDim?.shape).toEqual([1, SSD_ANCHOR_COUNT, 4]);
    const { anchors } = await runOnnx(new Float32Array(PIXELS));
    const bytesOf = (values: Float32Array | Int32Array): Buffer =>
      Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    expect(extraDim?.dtype).toBe('float32');
    expect(Buffer.compare(bytesOf(anchors), bytesOf(extraDim?.values ?? new Float32Array()))).toBe(0);
  });

  it('matches face-api forwardInput per anchor on a seeded random and a constant image, as one batch', async () => {
    const batch = randomThenGreyBatch(SIZE, 1, 20240607);
    expectSamePerAnchor(await onnxPerAnchor(batch), await referencePerAnchor(splitSquares(batch, SIZE)), 'synthetic');
  });

  describe.skipIf(!hasSharedData)(`on real photos${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
    it('matches face-api forwardInput per anchor on a group photo and an LFW face, each padded and resized', async () => {
      for (const [label, image] of [
        ['bbt1', bbtGroupPhoto(1)],
        ['LFW image 0', lfwPairImages(1, { distinct: true })[0] as RgbImage],
      ] as const) {
        const reference = await referencePerAnchor([asFloatImage(image)]);
        // A face must be in view, or the comparison would only cover background scores.
        expect(Math.max(...(reference.scores[0] as Float32Array))).toBeGreaterThan(0.9);
        expectSamePerAnchor(await onnxPerAnchor(toSquareInput(image, SIZE, 'bottom-right')), reference, label);
      }
    });

    it.each([
      ['bbt1', () => bbtGroupPhoto(1)],
      ['bbt2', () => bbtGroupPhoto(2)],
      ['bbt3', () => bbtGroupPhoto(3)],
      ['bbt4', () => bbtGroupPhoto(4)],
      ['bbt5', () => bbtGroupPhoto(5)],
      ['the portrait crop of bbt1', portraitCrop],
    ])('pads and resizes %s exactly as toNetInput(...).toBatchTensor(512, false)', async (label, load) => {
      const image = load();
      const tensor = faceapi.tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
      const batch = (await faceapi.toNetInput(tensor)).toBatchTensor(SIZE, false);
      const reference = (await batch.data()) as Float32Array;
      batch.dispose();
      tensor.dispose();
      const diff = maxAbsDiff(toSquareInput(image, SIZE, 'bottom-right'), reference);
      console.log(
        `ssdMobilenetv1 preprocessing, ${label} (${image.width}x${image.height}): max abs diff ${diff.toExponential(2)}`,
      );
      expect(diff).toBeLessThanOrEqual(PIXEL_TOLERANCE);
    });

    it.each([1, 2, 3, 4, 5])('finds the faces detectAllFaces finds in group photo bbt%i', async (n) => {
      expect(await expectSameFaces(bbtGroupPhoto(n), `bbt${n}`)).toBeGreaterThanOrEqual(2);
    });

    it('finds the faces detectAllFaces finds in a portrait crop, padded on the right', async () => {
      expect(await expectSameFaces(portraitCrop(), 'bbt1 portrait crop')).toBeGreaterThanOrEqual(1);
    });

    it.each([1, 2, 3, 4, 5])(
      'keeps the boxes face-api keeps from many overlapping candidates (bbt%i, minConfidence 0.05)',
      async (n) => {
        const options = { minConfidence: 0.05 };
        expect(await expectSameFaces(bbtGroupPhoto(n), `bbt${n} at 0.05`, options)).toBeGreaterThanOrEqual(2);
      },
    );

    it('stops at maxResults, best scores first, as face-api does', async () => {
      const options = { minConfidence: 0.05, maxResults: 2 };
      expect(await expectSameFaces(bbtGroupPhoto(1), 'bbt1 with maxResults 2', options)).toBe(2);
    });

    it('finds the faces detectAllFaces finds in 20 LFW images', async () => {
      let found = 0;
      for (const [i, image] of lfwPairImages(20, { distinct: true }).entries())
        found += await expectSameFaces(image, `LFW image ${i}`);
      expect(found).toBeGreaterThanOrEqual(20);
    });
  });
});
