import * as ort from 'onnxruntime-node';
import cv, { type Mat } from '../cv.js';
import type { ModelSession } from '../models/ortSession.js';
import { squareFit, type SquareFit, type SquarePadding } from './preprocess.js';

export interface SquareInput {
  /** float32 NHWC RGB 0..255, `size`x`size`x3. */
  readonly pixels: Float32Array;
  readonly fit: SquareFit;
}

/**
 * face-api's input preparation, fast: OpenCV pads the RGB image to a square with black (async),
 * and the forge's square-resize operator resizes it with ONNX Runtime's threads using
 * TensorFlow's legacy bilinear rule. The same numbers as `toSquareInput` to within 0.01 grey level.
 */
export class SquareResizer {
  constructor(readonly session: ModelSession) {}

  async run(rgb: Mat, size: number, padding: SquarePadding): Promise<SquareInput> {
    const fit = squareFit(rgb.cols, rgb.rows, padding);
    const bottom = fit.side - rgb.rows - fit.offsetY;
    const right = fit.side - rgb.cols - fit.offsetX;
    // Always a fresh, continuous copy. `rgb` may be a region of a bigger image: BORDER_ISOLATED
    // keeps OpenCV from filling the border with the pixels around that region.
    const square = await rgb.copyMakeBorderAsync(
      fit.offsetY,
      bottom,
      fit.offsetX,
      right,
      cv.BORDER_CONSTANT | cv.BORDER_ISOLATED,
      new cv.Vec3(0, 0, 0),
    );
    const bytes = await square.getDataAsync();
    const result = await this.session.run({
      image: new ort.Tensor('uint8', new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), [
        1,
        fit.side,
        fit.side,
        3,
      ]),
      sizes: new ort.Tensor('int64', BigInt64Array.of(1n, BigInt(size), BigInt(size), 3n), [4]),
    });
    const resized = result['resized'];
    if (!resized) throw new Error('square-resize operator returned no "resized" output');
    return { pixels: resized.data as Float32Array, fit };
  }
}
