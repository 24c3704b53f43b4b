import cv, { type Mat } from '../cv.js';

/**
 * One image as the stages see it: OpenCV's BGR for the Haar cascade and alignment, RGB for the
 * networks (all trained on RGB).
 */
export interface Frame {
  readonly bgr: Mat;
  readonly rgb: Mat;
  readonly width: number;
  readonly height: number;
}

export async function frameFromBgr(bgr: Mat): Promise<Frame> {
  const rgb = await bgr.cvtColorAsync(cv.COLOR_BGR2RGB);
  return { bgr, rgb, width: bgr.cols, height: bgr.rows };
}

/** Concatenates per-item NHWC inputs into one batch tensor's data. */
export function stackBatch(items: readonly Float32Array[]): Float32Array {
  const itemLength = items[0]?.length ?? 0;
  const batch = new Float32Array(itemLength * items.length);
  items.forEach((item, index) => batch.set(item, index * itemLength));
  return batch;
}
