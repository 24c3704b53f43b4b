import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { toSquareInput, type RgbImage } from '../../../src/main/engine/image/preprocess.js';
import { onnxModelEntrySchema } from '../../../src/main/engine/models/manifest.js';
import { decodeLandmarks, faceCropRect, type FaceBox } from '../../../src/main/engine/landmarks/landmarkDecode.js';
import { loadFaceApi } from '../../../test/support/faceApiReference.js';
import { readRgb } from '../../../test/support/images.js';
import { cropRgb, maxAbsDiff, splitSquares, type FaceApi } from '../../../test/support/parity.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import { forgeModel, sha256 } from '../forge.js';
import { faceLandmark68Recipe } from './faceLandmark68.js';

/**
 * The forged landmark net against face-api's FaceLandmark68Net on the wasm backend: raw outputs on
 * synthetic batches and real face crops, and decoded image points against face-api's own
 * crop + detectLandmarks + shift.
 */

const SIZE = 112;
const VALUES_PER_IMAGE = SIZE * SIZE * 3;
const RAW_TOLERANCE = 1e-5;
const PIXEL_TOLERANCE = 1e-3;

const BBT_PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'] as const;
const LFW_PHOTOS = [
  'George_Lucas/George_Lucas_0001.jpg',
  'Abdullah_Gul/Abdullah_Gul_0013.jpg',
  'AJ_Lamas/AJ_Lamas_0001.jpg',
  'Tony_Shalhoub/Tony_Shalhoub_0001.jpg',
] as const;
/** A tall crop around the face of a 250x250 deep-funneled LFW photo, so the centring pads columns. */
const LFW_FACE_CROP = { x: 68, y: 58, width: 114, height: 140 } as const;

/** Deterministic pseudo-random pixels (LCG) so failures reproduce. */
function seededPixels(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 255;
  }
  return out;
}

describe('faceLandmark68 ONNX model', () => {
  let session: ort.InferenceSession;
  let faceapi: FaceApi;

  beforeAll(async () => {
    const model = forgeModel(faceLandmark68Recipe);
    session = await ort.InferenceSession.create(Buffer.from(model.bytes));
    faceapi = await loadFaceApi();
  });

  async function runOnnx(pixels: Float32Array): Promise<Float32Array> {
    const batch = pixels.length / VALUES_PER_IMAGE;
    const result = await session.run({ input: new ort.Tensor('float32', pixels, [batch, SIZE, SIZE, 3]) });
    const landmarks = result.landmarks;
    if (!landmarks) throw new Error('the model has no "landmarks" output');
    expect(landmarks.dims).toEqual([batch, 136]);
    return landmarks.data as Float32Array;
  }

  /** face-api's raw fc output (runNet, before postProcess) for images it pads and resizes itself. */
  async function runFaceApi(images: readonly { data: ArrayLike<number>; height: number; width: number }[]) {
    const { tf } = faceapi;
    const tensors = images.map((image) =>
      tf.tensor3d(Array.from(image.data), [image.height, image.width, 3], 'float32'),
    );
    const netInput = await faceapi.toNetInput(tensors);
    const output = faceapi.nets.faceLandmark68Net.runNet(netInput);
    const values = output.dataSync() as Float32Array;
    output.dispose();
    tensors.forEach((t) => t.dispose());
    return values;
  }

  it('matches face-api on a seeded random batch', async () => {
    const pixels = seededPixels(4 * VALUES_PER_IMAGE, 20240611);
    const diff = maxAbsDiff(await runOnnx(pixels), await runFaceApi(splitSquares(pixels, SIZE)));
    console.log(`faceLandmark68 random batch of 4: max abs diff ${diff.toExponential(3)}`);
    expect(diff).toBeLessThanOrEqual(RAW_TOLERANCE);
  });

  it('matches face-api on constant images', async () => {
    const pixels = new Float32Array(3 * VALUES_PER_IMAGE);
    pixels.fill(0, 0, VALUES_PER_IMAGE);
    pixels.fill(128, VALUES_PER_IMAGE, 2 * VALUES_PER_IMAGE);
    pixels.fill(255, 2 * VALUES_PER_IMAGE);
    const diff = maxAbsDiff(await runOnnx(pixels), await runFaceApi(splitSquares(pixels, SIZE)));
    console.log(`faceLandmark68 constant 0/128/255: max abs diff ${diff.toExponential(3)}`);
    expect(diff).toBeLessThanOrEqual(RAW_TOLERANCE);
  });

  it('declares what the manifest schema and the ONNX graph agree on', () => {
    const model = forgeModel(faceLandmark68Recipe);
    const entry = onnxModelEntrySchema.shape;
    expect(entry.input.parse(model.input).shape).toEqual(['batch', SIZE, SIZE, 3]);
    expect(entry.outputs.parse(model.outputs).map((o) => o.name)).toEqual(['landmarks']);
    expect(session.inputNames).toEqual([model.input.name]);
    expect(session.outputNames).toEqual(['landmarks']);
  });

  it('forges byte-identical models on every run', () => {
    expect(sha256(forgeModel(faceLandmark68Recipe).bytes)).toBe(sha256(forgeModel(faceLandmark68Recipe).bytes));
  });

  describe.skipIf(!hasSharedData)(`on real faces (skipped if ${sharedDataSkipReason})`, () => {
    /** Our centred pad + resize feeds ONNX; face-api pads and resizes the same crops itself. */
    async function compareCrops(crops: readonly RgbImage[]): Promise<number> {
      const pixels = new Float32Array(crops.length * VALUES_PER_IMAGE);
      crops.forEach((crop, i) => toSquareInput(crop, SIZE, 'centred', pixels, i));
      return maxAbsDiff(await runOnnx(pixels), await runFaceApi(crops));
    }

    it('matches face-api on the bbt people crops', async () => {
      const crops = BBT_PEOPLE.map((name) => readRgb(sharedPath('bbt', 'people', name, `${name}1.png`)));
      const diff = await compareCrops(crops);
      console.log(`faceLandmark68 bbt people (${crops.length} faces): max abs diff ${diff.toExponential(3)}`);
      expect(diff).toBeLessThanOrEqual(RAW_TOLERANCE);
    });

    it('matches face-api on non-square LFW face crops', async () => {
      const crops = LFW_PHOTOS.map((photo) => cropRgb(readRgb(sharedPath('lfw-dev', 'images', photo)), LFW_FACE_CROP));
      const diff = await compareCrops(crops);
      console.log(`faceLandmark68 LFW crops (${crops.length} faces): max abs diff ${diff.toExponential(3)}`);
      expect(diff).toBeLessThanOrEqual(RAW_TOLERANCE);
    });

    const lfwPhoto = ['lfw-dev', 'images', LFW_PHOTOS[0]];
    // In this 675x469 photo x = 380 and y = 104 survive FaceDetection's own scaling exactly but come
    // back from forSize's relative round trip as 379.99... and 103.99..., so face-api crops from 379, 103.
    const groupPhoto = ['bbt', 'group', 'bbt2.jpg'];
    it.each([
      ['inside the photo, fractional', lfwPhoto, { x: 71.6, y: 63.3, width: 106.7, height: 131.8 }],
      ['past the top-left corner', lfwPhoto, { x: -12.4, y: -7.7, width: 140.3, height: 160.9 }],
      ['past the bottom-right corner', lfwPhoto, { x: 150.2, y: 170.5, width: 120.6, height: 95.3 }],
      ['on whole pixels', groupPhoto, { x: 380, y: 104, width: 74, height: 103 }],
    ])('places the 68 points where face-api detectLandmarks does for a box %s', async (_, photo, pixelBox) => {
      const { tf } = faceapi;
      const image = readRgb(sharedPath(...photo));
      const detection = new faceapi.FaceDetection(
        0.99,
        new faceapi.Rect(
          pixelBox.x / image.width,
          pixelBox.y / image.height,
          pixelBox.width / image.width,
          pixelBox.height / image.height,
        ),
        { width: image.width, height: image.height },
      );
      // The box the app would hold: face-api's own absolute box for this detection.
      const box: FaceBox = {
        x: detection.box.x,
        y: detection.box.y,
        width: detection.box.width,
        height: detection.box.height,
      };

      const imageTensor = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const [faceTensor] = await faceapi.extractFaceTensors(imageTensor, [detection]);
      const reference = await new faceapi.DetectSingleFaceLandmarksTask(
        Promise.resolve({ detection }),
        imageTensor,
        false,
      );
      imageTensor.dispose();
      if (!faceTensor || !reference) throw new Error('face-api cropped nothing for the test box');
      const [faceHeight, faceWidth] = faceTensor.shape;
      const facePixels = faceTensor.dataSync();
      faceTensor.dispose();

      const crop = faceCropRect(box, image.width, image.height);
      if (!crop) throw new Error('faceCropRect cropped nothing for the test box');
      expect([crop.width, crop.height]).toEqual([faceWidth, faceHeight]);
      const face = cropRgb(image, crop);
      expect(Int32Array.from(face.data)).toEqual(facePixels);

      const raw = await runOnnx(toSquareInput(face, SIZE, 'centred'));
      const points = decodeLandmarks(raw, crop, { x: box.x, y: box.y });
      const expected = reference.landmarks.positions;
      expect(points).toHaveLength(expected.length);
      const diff = maxAbsDiff(
        points.flatMap((p) => [p.x, p.y]),
        expected.flatMap((p) => [p.x, p.y]),
      );
      console.log(
        `faceLandmark68 decoded points, box ${JSON.stringify(pixelBox)}: max abs diff ${diff.toExponential(3)} px`,
      );
      expect(diff).toBeLessThanOrEqual(PIXEL_TOLERANCE);
    });
  });
});
