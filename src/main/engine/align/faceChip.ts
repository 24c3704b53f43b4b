import cv, { type Mat } from '../cv.js';
import type { Point } from '../geometry.js';
import type { RgbImage } from '../image/preprocess.js';

/**
 * dlib's face chips, which the ResNet-34 descriptor net was trained on: `get_face_chip_details`
 * (a least-squares similarity from 33 of the 68 landmarks onto dlib's mean face) followed by
 * `extract_image_chip` (an image pyramid when the face is more than twice the chip's size, then
 * bilinear sampling), reproduced with OpenCV.
 *
 * Two details of dlib's geometry matter at the pixel level and are kept: the chip's centre is
 * where the similarity sends the template point (size/2, size/2) but lands on chip pixel
 * (size−1)/2, and the chip's corners span (size·scale − 1) image pixels, not size·scale. With a
 * unit scale, template point p therefore appears at chip pixel p − 0.5.
 *
 * Not reproduced: when the fit is exactly unrotated and exactly unit-scale, dlib copies whole
 * pixels (rounding the chip's origin) instead of interpolating. Real landmarks never fit exactly.
 */

/** x' = a·x + b·y + c, y' = d·x + e·y + f, as [a, b, c, d, e, f] (OpenCV's 2x3 row order). */
export type Affine = readonly [number, number, number, number, number, number];

export const FACE_CHIP_SIZE = 150;
export const FACE_CHIP_PADDING = 0.25;

/**
 * dlib's mean face shape for landmarks 17..67 in a unit square (dlib/image_transforms/
 * interpolation.h, Boost Software License).
 */
// prettier-ignore
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004,
  0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737,
  0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751,
  0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
  0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127,
  0.42689,
];
// prettier-ignore
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454,
  0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423,
  0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077,
  0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192,
  0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803,
  0.824182,
];
const FIRST_MEAN_FACE_POINT = 17;

/** dlib's mean face, landmark index → point in the unit square (indices 17..67). */
export function meanFacePoint(index: number): Point {
  const x = MEAN_FACE_X[index - FIRST_MEAN_FACE_POINT];
  const y = MEAN_FACE_Y[index - FIRST_MEAN_FACE_POINT];
  if (x === undefined || y === undefined) throw new RangeError(`dlib's mean face has no landmark ${index}`);
  return { x, y };
}

/** The landmarks dlib fits: nose, eyes, outer mouth, upper inner lip (not jaw, brows or lower lip). */
const ALIGNMENT_POINTS: readonly number[] = Array.from({ length: 68 }, (_, i) => i).filter(
  (i) => (i >= 27 && i <= 54) || (i >= 60 && i <= 64),
);

/** A mean-face point in template coordinates: where the similarity sends it inside the chip. */
export function templatePoint(index: number, size = FACE_CHIP_SIZE, padding = FACE_CHIP_PADDING): Point {
  const { x, y } = meanFacePoint(index);
  return { x: ((padding + x) / (2 * padding + 1)) * size, y: ((padding + y) / (2 * padding + 1)) * size };
}

function meanOf(points: readonly Point[]): Point {
  return {
    x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
    y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
  };
}

export interface CanonicalFacePoints {
  /** Centre of landmarks 36..41: the eye on the image's left (the subject's right eye). */
  readonly leftEye: Point;
  /** Centre of landmarks 42..47. */
  readonly rightEye: Point;
  /** Landmark 30. */
  readonly noseTip: Point;
  /** Landmark 48. */
  readonly leftMouthCorner: Point;
  /** Landmark 54. */
  readonly rightMouthCorner: Point;
}

/** Five canonical points of dlib's template, in template coordinates. */
export function templateCanonicalPoints(size = FACE_CHIP_SIZE, padding = FACE_CHIP_PADDING): CanonicalFacePoints {
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => templatePoint(from + i, size, padding));
  return {
    leftEye: meanOf(range(36, 41)),
    rightEye: meanOf(range(42, 47)),
    noseTip: templatePoint(30, size, padding),
    leftMouthCorner: templatePoint(48, size, padding),
    rightMouthCorner: templatePoint(54, size, padding),
  };
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0 || !Number.isFinite(det)) throw new RangeError('the affine transform is not invertible');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

/**
 * The least-squares similarity (rotation, uniform scale, translation) sending `from` onto `to`,
 * as x' = a·x − b·y + tx, y' = b·x + a·y + ty. The closed form over a + ib equals Umeyama's
 * solution that dlib's find_similarity_transform uses.
 */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== to.length || from.length < 2) {
    throw new RangeError(`a similarity needs at least 2 point pairs, got ${from.length} and ${to.length}`);
  }
  const mf = meanOf(from);
  const mt = meanOf(to);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  from.forEach((p, i) => {
    const q = to[i] as Point;
    const fx = p.x - mf.x;
    const fy = p.y - mf.y;
    const tx = q.x - mt.x;
    const ty = q.y - mt.y;
    dot += fx * tx + fy * ty;
    cross += fx * ty - fy * tx;
    norm += fx * fx + fy * fy;
  });
  if (norm === 0) throw new RangeError('the source points of a similarity must not all coincide');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, mt.x - a * mf.x + b * mf.y, b, a, mt.y - b * mf.x - a * mf.y];
}

/** Where one face's chip comes from, as dlib's chip_details describes it. */
export interface FaceChip {
  readonly size: number;
  readonly padding: number;
  /** Image pixels per template unit, and the rotation of the template in the image (radians). */
  readonly scale: number;
  readonly angle: number;
  /** The image point at the chip's centre (pixel (size−1)/2). */
  readonly centre: Point;
  /** Chip pixel → image point, dlib's get_mapping_to_chip inverted. */
  readonly chipToImage: Affine;
  /** Image point → chip pixel: the 2x3 matrix for cv.warpAffine, or for mapping landmarks into the chip. */
  readonly imageToChip: Affine;
}

/** dlib's get_face_chip_details(shape, size, padding) for 68 landmarks in image pixels. */
export function faceChipTransform(
  landmarks68: readonly Point[],
  size = FACE_CHIP_SIZE,
  padding = FACE_CHIP_PADDING,
): FaceChip {
  if (landmarks68.length !== 68) throw new RangeError(`face alignment needs 68 landmarks, got ${landmarks68.length}`);
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`face chip size must be an integer ≥ 2, got ${size}`);
  if (!(padding >= 0)) throw new RangeError(`face chip padding must be ≥ 0, got ${padding}`);
  const to = ALIGNMENT_POINTS.map((i) => landmarks68[i] as Point);
  if (!to.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) {
    throw new RangeError('face alignment needs finite landmark coordinates');
  }
  const similarity = fitSimilarity(
    ALIGNMENT_POINTS.map((i) => templatePoint(i, size, padding)),
    to,
  );
  const [a, , , b] = similarity;
  const scale = Math.hypot(a, b);
  if (!(scale > 0)) throw new RangeError('the landmarks are degenerate: they all coincide');
  const angle = Math.atan2(b, a);
  const centre = applyAffine(similarity, { x: size / 2, y: size / 2 });
  // The chip's corner pixels sit on the corners of a (size·scale − 1)-wide square around `centre`.
  const step = (size * scale - 1) / (size - 1);
  const cos = Math.cos(angle) * step;
  const sin = Math.sin(angle) * step;
  const half = (size - 1) / 2;
  const chipToImage: Affine = [cos, -sin, centre.x - (cos - sin) * half, sin, cos, centre.y - (sin + cos) * half];
  return { size, padding, scale, angle, centre, chipToImage, imageToChip: invertAffine(chipToImage) };
}

/** dlib's double-valued rectangle: inclusive edges, width = right − left + 1. */
interface DRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const area = (r: DRect): number => (r.right - r.left + 1) * (r.bottom - r.top + 1);

/** pyramid_down<2>'s rect_down: its own (slightly offset) bookkeeping of a halved coordinate. */
const rectDown = (r: DRect): DRect => ({
  left: r.left / 2 - 1.25,
  top: r.top / 2 - 0.75,
  right: r.right / 2 - 1.25,
  bottom: r.bottom / 2 - 0.75,
});

function rotateAboutCentre(r: DRect, corner: Point, angle: number): Point {
  const cx = (r.left + r.right) / 2;
  const cy = (r.top + r.bottom) / 2;
  const dx = corner.x - cx;
  const dy = corner.y - cy;
  return { x: cx + Math.cos(angle) * dx - Math.sin(angle) * dy, y: cy + Math.sin(angle) * dx + Math.cos(angle) * dy };
}

/** The affine from chip pixels onto `rect` rotated by `angle`: corners onto corners. */
function chipOntoRect(rect: DRect, angle: number, size: number): Affine {
  const tl = rotateAboutCentre(rect, { x: rect.left, y: rect.top }, angle);
  const tr = rotateAboutCentre(rect, { x: rect.right, y: rect.top }, angle);
  const bl = rotateAboutCentre(rect, { x: rect.left, y: rect.bottom }, angle);
  const n = size - 1;
  return [(tr.x - tl.x) / n, (bl.x - tl.x) / n, tl.x, (tr.y - tl.y) / n, (bl.y - tl.y) / n, tl.y];
}

/** How extract_image_chip samples: from which crop, through how many pyramid levels, with which map. */
export interface ChipSampling {
  /** Whole-pixel crop of the image the pyramid is built from (inclusive edges, as dlib's rectangle). */
  readonly crop: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  /** How many times the crop is halved before sampling. */
  readonly levels: number;
  /** Chip pixel → point in the last level (or the crop, with no levels). */
  readonly chipToSource: Affine;
}

/** The bookkeeping of dlib's extract_image_chips for one chip, or undefined if it misses the image. */
export function chipSampling(chip: FaceChip, imageWidth: number, imageHeight: number): ChipSampling | undefined {
  const { size, scale, angle, centre } = chip;
  const side = size * scale - 1;
  const rect: DRect = {
    left: centre.x - side / 2,
    top: centre.y - side / 2,
    right: centre.x + side / 2,
    bottom: centre.y + side / 2,
  };
  // Halve until the rectangle is no bigger than the chip; each level needs a wider margin.
  let levels = 0;
  let grow = 2;
  for (let down = rectDown(rect); area(down) > size * size; down = rectDown(down)) {
    levels++;
    grow = grow * 2 + 2;
  }
  const corners = [
    { x: rect.left, y: rect.top },
    { x: rect.right, y: rect.top },
    { x: rect.left, y: rect.bottom },
    { x: rect.right, y: rect.bottom },
  ].map((corner) => rotateAboutCentre(rect, corner, angle));
  const round = (v: number) => Math.floor(v + 0.5);
  const crop = {
    left: round(Math.max(Math.min(...corners.map((p) => p.x)) - grow, 0)),
    top: round(Math.max(Math.min(...corners.map((p) => p.y)) - grow, 0)),
    right: round(Math.min(Math.max(...corners.map((p) => p.x)) + grow, imageWidth - 1)),
    bottom: round(Math.min(Math.max(...corners.map((p) => p.y)) + grow, imageHeight - 1)),
  };
  if (crop.right < crop.left || crop.bottom < crop.top) return undefined;
  let source: DRect = {
    left: rect.left - crop.left,
    top: rect.top - crop.top,
    right: rect.right - crop.left,
    bottom: rect.bottom - crop.top,
  };
  for (let level = 0; level < levels; level++) source = rectDown(source);
  return { crop, levels, chipToSource: chipOntoRect(source, angle, size) };
}

/**
 * pyramid_down<2>: a [1 4 6 4 1]² / 256 filter keeping pixel (2c+2, 2r+2) as (c, r), truncated to
 * 8 bits, (n−3)/2 pixels per side. Float sums of 8-bit values and these weights are exact, so
 * round(x − 0.5 + 1/512) is floor(x).
 */
async function pyramidDown(source: Mat): Promise<Mat | undefined> {
  if (source.rows <= 8 || source.cols <= 8) return undefined;
  const rows = Math.floor((source.rows - 3) / 2);
  const cols = Math.floor((source.cols - 3) / 2);
  const blurred = await (await source.convertToAsync(cv.CV_32FC3)).gaussianBlurAsync(new cv.Size(5, 5), 0);
  const everyOther = new cv.Mat(
    [
      [2, 0, 2],
      [0, 2, 2],
    ],
    cv.CV_64F,
  );
  const kept = await blurred.warpAffineAsync(
    everyOther,
    new cv.Size(cols, rows),
    cv.INTER_NEAREST | cv.WARP_INVERSE_MAP,
  );
  return kept.convertToAsync(cv.CV_8UC3, 1, -0.5 + 1 / 512);
}

/** The size of the image a sampling reads from: the crop halved `levels` times, as pyramid_down<2> halves. */
function sourceSize(sampling: ChipSampling): { cols: number; rows: number } | undefined {
  let cols = sampling.crop.right - sampling.crop.left + 1;
  let rows = sampling.crop.bottom - sampling.crop.top + 1;
  for (let level = 0; level < sampling.levels; level++) {
    // pyramid_down<2> returns an empty image for inputs this small.
    if (rows <= 8 || cols <= 8) return undefined;
    cols = Math.floor((cols - 3) / 2);
    rows = Math.floor((rows - 3) / 2);
  }
  return { cols, rows };
}

/**
 * Which chip pixels extractFaceChip samples from the image (1) and which it leaves black (0):
 * dlib's interpolate_bilinear gives up unless all four neighbours are inside its source.
 */
export function faceChipCoverage(chip: FaceChip, imageWidth: number, imageHeight: number): Uint8Array {
  const { size } = chip;
  const coverage = new Uint8Array(size * size);
  const sampling = chipSampling(chip, imageWidth, imageHeight);
  const source = sampling && sourceSize(sampling);
  if (!sampling || !source) return coverage;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const p = applyAffine(sampling.chipToSource, { x: c, y: r });
      const inside = p.x >= 0 && p.y >= 0 && Math.floor(p.x) + 1 < source.cols && Math.floor(p.y) + 1 < source.rows;
      coverage[r * size + c] = inside ? 1 : 0;
    }
  }
  return coverage;
}

/**
 * The face chip as dlib's extract_image_chip makes it, as interleaved RGB (0..255) for the
 * recognition net: uncovered pixels (faceChipCoverage) are black and values are truncated, not
 * rounded, as in dlib. OpenCV's bilinear weights are quantised to 1/32 pixel, so a value may
 * differ from dlib's by one grey level.
 */
export async function extractFaceChip(bgr: Mat, chip: FaceChip): Promise<RgbImage> {
  if (bgr.type !== cv.CV_8UC3) throw new TypeError('extractFaceChip needs an 8-bit BGR image (CV_8UC3)');
  const { size } = chip;
  const data = new Uint8Array(size * size * 3);
  const sampling = chipSampling(chip, bgr.cols, bgr.rows);
  if (!sampling) return { width: size, height: size, data };

  const { crop, levels, chipToSource } = sampling;
  let source: Mat | undefined = bgr.getRegion(
    new cv.Rect(crop.left, crop.top, crop.right - crop.left + 1, crop.bottom - crop.top + 1),
  );
  for (let level = 0; level < levels && source; level++) source = await pyramidDown(source);
  if (!source) return { width: size, height: size, data };

  const sampled = await (
    await source.convertToAsync(cv.CV_32FC3)
  ).warpAffineAsync(
    new cv.Mat([chipToSource.slice(0, 3), chipToSource.slice(3)], cv.CV_64F),
    new cv.Size(size, size),
    cv.INTER_LINEAR | cv.WARP_INVERSE_MAP,
    cv.BORDER_CONSTANT,
  );
  const raw = await sampled.getDataAsync();
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  const coverage = faceChipCoverage(chip, bgr.cols, bgr.rows);
  for (let pixel = 0; pixel < size * size; pixel++) {
    if (coverage[pixel] === 0) continue;
    const i = pixel * 3;
    data[i] = Math.floor(values[i + 2] as number);
    data[i + 1] = Math.floor(values[i + 1] as number);
    data[i + 2] = Math.floor(values[i] as number);
  }
  return { width: size, height: size, data };
}
