/**
 * What face-api does around FaceLandmark68Net, outside the network: which pixels it crops for a
 * detected face (extractFaceTensors) and how the 136 raw outputs become image coordinates
 * (FaceLandmark68NetBase.postProcess, FaceLandmarks68, then extendWithFaceLandmarks' shift).
 */

export const LANDMARK_COUNT = 68;

/** A face box in image pixels as a detector reports it: fractional, possibly past the image edges. */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Whole-pixel rectangle inside the image. */
export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The rectangle face-api slices out of an image tensor for `box`, or undefined when nothing of it
 * is inside the image (face-api skips such faces). It clips first and floors afterwards, so the
 * width is floor(clipped width), not floor(right) - floor(x).
 */
export function faceCropRect(box: FaceBox, imageWidth: number, imageHeight: number): CropRect | undefined {
  // FaceDetection.forSize round-trips the box through relative coordinates; at whole-pixel
  // values that can land one ulp below the integer, which the floor below then sees.
  const viaRelative = (value: number, size: number): number => value * (1 / size) * size;
  const x = viaRelative(box.x, imageWidth);
  const y = viaRelative(box.y, imageHeight);
  const right = x + viaRelative(box.width, imageWidth);
  const bottom = y + viaRelative(box.height, imageHeight);

  const clippedX = Math.max(x, 0);
  const clippedY = Math.max(y, 0);
  const crop = {
    x: Math.floor(clippedX),
    y: Math.floor(clippedY),
    width: Math.floor(Math.min(right - clippedX, imageWidth - clippedX)),
    height: Math.floor(Math.min(bottom - clippedY, imageHeight - clippedY)),
  };
  return crop.width > 0 && crop.height > 0 ? crop : undefined;
}

/**
 * Turns one face's 136 raw network outputs (x0, y0, x1, y1, ..., fractions of the centred 112
 * square) into 68 image points.
 *
 * face-api's postProcess computes ((raw * 112 - pad112) / scaled) * crop size, which simplifies
 * to raw * side - (side - crop size) / 2 with side = max(width, height): the crop sat centred in
 * its square, with exactly half the padding on each side (even for odd differences).
 *
 * `origin` is added last. face-api adds the detection box's own top-left (fractional and
 * unclipped), not the crop's floored one; pass `box.x, box.y` to reproduce its landmarks.
 */
export function decodeLandmarks(
  raw: ArrayLike<number>,
  crop: { readonly width: number; readonly height: number },
  origin: Point,
): Point[] {
  if (raw.length !== LANDMARK_COUNT * 2) {
    throw new Error(`expected ${LANDMARK_COUNT * 2} landmark values for one face, got ${raw.length}`);
  }
  const side = Math.max(crop.width, crop.height);
  const offsetX = origin.x - (side - crop.width) / 2;
  const offsetY = origin.y - (side - crop.height) / 2;
  return Array.from({ length: LANDMARK_COUNT }, (_, i) => ({
    x: (raw[2 * i] as number) * side + offsetX,
    y: (raw[2 * i + 1] as number) * side + offsetY,
  }));
}
