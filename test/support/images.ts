import cv from '../../src/main/engine/cv.js';
import type { RgbImage } from '../../src/main/engine/image/preprocess.js';

/** Decodes a photo to RGB with OpenCV, for tests that feed the same pixels to two implementations. */
export function readRgb(path: string): RgbImage {
  const bgr = cv.imread(path, cv.IMREAD_COLOR);
  if (bgr.empty) throw new Error(`${path}: OpenCV could not read this image`);
  const rgb = bgr.cvtColor(cv.COLOR_BGR2RGB);
  return { width: rgb.cols, height: rgb.rows, data: new Uint8Array(rgb.getData()) };
}
