import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import cv from '../../../src/main/engine/cv.js';
import { SquareResizer } from '../../../src/main/engine/image/squareInput.js';
import { toSquareInput, type SquarePadding } from '../../../src/main/engine/image/preprocess.js';
import { loadOnnxOperator, readModelManifest } from '../../../src/main/engine/models/loadModels.js';
import { loadFaceApi } from '../../../test/support/faceApiReference.js';
import { readRgb } from '../../../test/support/images.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';

const modelsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/models');

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe.skipIf(!hasSharedData)(
  `pad-to-square + resize against face-api (${hasSharedData ? 'real photos' : sharedDataSkipReason})`,
  () => {
    let resizer: SquareResizer;
    let faceapi: Awaited<ReturnType<typeof loadFaceApi>>;
    beforeAll(async () => {
      const manifest = readModelManifest(modelsDir);
      resizer = new SquareResizer(await loadOnnxOperator(modelsDir, manifest, 'squareResize', { intraOpThreads: 1 }));
      faceapi = await loadFaceApi();
    });

    // Non-square photos in both orientations, sizes the detectors and the landmark net use.
    const cases: { file: string; size: number; padding: SquarePadding; crop?: [number, number, number, number] }[] = [
      { file: 'bbt/group/bbt1.jpg', size: 512, padding: 'bottom-right' },
      { file: 'bbt/group/bbt2.jpg', size: 416, padding: 'bottom-right' },
      { file: 'bbt/group/bbt3.jpg', size: 608, padding: 'bottom-right' },
      {
        file: 'lfw-dev/images/Abdullah_Gul/Abdullah_Gul_0013.jpg',
        size: 112,
        padding: 'centred',
        crop: [70, 55, 97, 131],
      },
      {
        file: 'lfw-dev/images/Abdullah_Gul/Abdullah_Gul_0013.jpg',
        size: 150,
        padding: 'centred',
        crop: [60, 80, 140, 95],
      },
    ];

    it.each(cases)(
      '$file at $size ($padding) matches face-api toBatchTensor',
      async ({ file, size, padding, crop }) => {
        const full = readRgb(sharedPath(file));
        const mat = new cv.Mat(Buffer.from(full.data), full.height, full.width, cv.CV_8UC3);
        const [x, y, w, h] = crop ?? [0, 0, full.width, full.height];
        const region = mat.getRegion(new cv.Rect(x, y, w, h));
        expect(w === h, 'the cases must be non-square').toBe(false);

        const ours = await resizer.run(region, size, padding);
        const regionPixels = { width: w, height: h, data: new Uint8Array(region.copy().getData()) };
        const reference = faceapi.tf.tidy(() => {
          const tensor = faceapi.tf.tensor3d(regionPixels.data, [h, w, 3], 'int32');
          return new faceapi.NetInput([tensor]).toBatchTensor(size, padding === 'centred').dataSync() as Float32Array;
        });
        const diff = maxAbsDiff(ours.pixels, reference);
        console.log(`${file} ${w}x${h} → ${size} ${padding}: max abs diff vs face-api ${diff.toExponential(3)}`);
        // ONNX Runtime maps dest → source as dest / (out/in), TensorFlow as dest * (in/out): the
        // coordinates differ in the last float32 bit, i.e. a hundredth of a grey level at most.
        expect(diff).toBeLessThanOrEqual(0.01);
        // The JavaScript version rounds exactly like tfjs's float32 kernel.
        expect(maxAbsDiff(toSquareInput(regionPixels, size, padding), reference)).toBe(0);
      },
    );

    it('covers every bbt group photo size without error', async () => {
      for (const file of readdirSync(sharedPath('bbt/group'))) {
        const rgb = readRgb(sharedPath('bbt/group', file));
        const mat = new cv.Mat(Buffer.from(rgb.data), rgb.height, rgb.width, cv.CV_8UC3);
        const { pixels, fit } = await resizer.run(mat, 512, 'bottom-right');
        expect(pixels.length).toBe(512 * 512 * 3);
        expect(fit.side).toBe(Math.max(rgb.width, rgb.height));
      }
    });
  },
);
