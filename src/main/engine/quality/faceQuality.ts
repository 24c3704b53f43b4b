import cv from '../cv.js';
import type { Point } from '../geometry.js';
import type { RgbImage } from '../image/preprocess.js';
import { faceChipCoverage, type FaceChip } from '../align/faceChip.js';

/**
 * How usable one face is for enrolment, from its 68 landmarks (image pixels) and its aligned face
 * chip. Sharpness and brightness are measured on the chip, where every face has the same size (eyes
 * 53 px apart in a 150 chip), so the numbers compare across photos of any resolution.
 */
export interface FaceQuality {
  /** Distance between the eye centres (means of landmarks 36–41 and 42–47), in image pixels. */
  readonly interOcularPx: number;
  /**
   * Variance of the 3x3 Laplacian ([0 1 0; 1 −4 1; 0 1 0]) of the grey chip over its face square:
   * the mean face's unit square, chip pixels 25..124 of a 150 chip with padding 0.25.
   */
  readonly sharpness: number;
  /** Mean grey level (0..255, BT.601 luma) of the same square. */
  readonly brightness: number;
  /** Fraction (0..1) of that square that lies inside the image. */
  readonly faceInImage: number;
  /**
   * Where the nose tip (30) sits between the jaw's ends (0 and 16), measured along the eye line:
   * 0.5 when it is midway, 0 or 1 when it reaches a jaw end (head turned far left or right).
   */
  readonly noseJawRatio: number;
  /** Angle of the eye line from horizontal, degrees; positive when the right eye (42–47) is lower. */
  readonly rollDegrees: number;
  /** (1 − 2·|noseJawRatio − 0.5|) · cos(roll), clamped to 0..1: 1 for a level, frontal face. */
  readonly frontalness: number;
}

export interface QualityLimits {
  readonly minInterOcularPx: number;
  readonly minSharpness: number;
  readonly minBrightness: number;
  readonly maxBrightness: number;
  readonly minFrontalness: number;
  readonly minFaceInImage: number;
}

/**
 * Defaults chosen on the shared data (face-api's 68 landmarks, 150/0.25 chips; min–max):
 *
 * | faces                           | eyes apart | sharpness | brightness | frontalness |
 * | ------------------------------- | ---------- | --------- | ---------- | ----------- |
 * | bbt 150x150 crops (40)          | 49–60 px   | 60–1246   | 73–184     | 0.29–0.99   |
 * | ORL 92x112 crops (40)           | 25–39 px   | 16–391    | 100–161    | 0.69–1.00   |
 * | LFW 250x250 photos (35)         | 35–49 px   | 19–134    | 81–170     | 0.54–0.98   |
 * | the same, blurred σ = 3 chip px | —          | 2.6–7.8   | —          | —           |
 *
 * Darkened to 20% they measure at most 37. Heads turned 25–45° (bbt stuart5, ORL s17/10) score
 * 0.29 and 0.45; the one bbt face below 0.5 is that turned head.
 */
export const DEFAULT_QUALITY_LIMITS: QualityLimits = {
  minInterOcularPx: 24,
  minSharpness: 10,
  minBrightness: 40,
  maxBrightness: 220,
  minFrontalness: 0.5,
  minFaceInImage: 0.9,
};

export type QualityVerdict = { readonly ok: true } | { readonly ok: false; readonly reasons: readonly string[] };

function centre(landmarks: readonly Point[], from: number, to: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i <= to; i++) {
    x += (landmarks[i] as Point).x;
    y += (landmarks[i] as Point).y;
  }
  const count = to - from + 1;
  return { x: x / count, y: y / count };
}

/** The landmark-only measures: eye distance and pose. */
export function landmarkQuality(
  landmarks68: readonly Point[],
): Pick<FaceQuality, 'interOcularPx' | 'noseJawRatio' | 'rollDegrees' | 'frontalness'> {
  if (landmarks68.length !== 68) throw new RangeError(`face quality needs 68 landmarks, got ${landmarks68.length}`);
  const leftEye = centre(landmarks68, 36, 41);
  const rightEye = centre(landmarks68, 42, 47);
  const interOcularPx = Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y);
  if (!(interOcularPx > 0)) throw new RangeError('the landmarks are degenerate: both eyes at the same point');
  const ux = (rightEye.x - leftEye.x) / interOcularPx;
  const uy = (rightEye.y - leftEye.y) / interOcularPx;
  // Positions along the eye line, so an in-plane tilt does not read as a turned head.
  const along = (p: Point) => (p.x - leftEye.x) * ux + (p.y - leftEye.y) * uy;
  const jawLeft = along(landmarks68[0] as Point);
  const jawRight = along(landmarks68[16] as Point);
  const noseJawRatio = jawRight === jawLeft ? 0 : (along(landmarks68[30] as Point) - jawLeft) / (jawRight - jawLeft);
  const roll = Math.atan2(uy, ux);
  const symmetry = 1 - 2 * Math.abs(noseJawRatio - 0.5);
  const frontalness = Math.min(1, Math.max(0, symmetry * Math.cos(roll)));
  return { interOcularPx, noseJawRatio, rollDegrees: (roll * 180) / Math.PI, frontalness };
}

/**
 * All measures of one face: its 68 landmarks in image pixels, its chip (faceChipTransform) and the
 * chip's pixels (extractFaceChip) from an image of `image`'s size. Chip pixels that came from
 * outside the image are black fill, not face: they are left out of every measure.
 */
export async function measureFaceQuality(
  landmarks68: readonly Point[],
  chip: FaceChip,
  pixels: RgbImage,
  image: { readonly width: number; readonly height: number },
): Promise<FaceQuality> {
  const { size, padding } = chip;
  if (pixels.width !== size || pixels.height !== size || pixels.data.length !== size * size * 3) {
    throw new RangeError(`face chip pixels are ${pixels.width}x${pixels.height}, expected ${size}x${size} RGB`);
  }
  // The mean face's unit square inside the chip: eyebrows to chin, jaw end to jaw end.
  const start = Math.round((padding / (2 * padding + 1)) * size);
  const side = Math.round(size / (2 * padding + 1));
  const coverage = faceChipCoverage(chip, image.width, image.height);
  const covered = (x: number, y: number) => coverage[y * size + x] === 1;
  const inFace = Buffer.alloc(side * side);
  const laplacianDefined = Buffer.alloc(side * side);
  let coveredCount = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const cx = start + x;
      const cy = start + y;
      if (!covered(cx, cy)) continue;
      coveredCount++;
      inFace[y * side + x] = 255;
      // The 3x3 Laplacian reads the four neighbours: all must be image, not fill.
      const neighbours = covered(cx - 1, cy) && covered(cx + 1, cy) && covered(cx, cy - 1) && covered(cx, cy + 1);
      laplacianDefined[y * side + x] = neighbours ? 255 : 0;
    }
  }
  const square = new cv.Rect(start, start, side, side);
  const rgb = new cv.Mat(
    Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length),
    size,
    size,
    cv.CV_8UC3,
  );
  const grey = await rgb.cvtColorAsync(cv.COLOR_RGB2GRAY);
  const laplacian = await grey.laplacianAsync(cv.CV_64F, 1);
  const [edges, tone] = await Promise.all([
    laplacian.getRegion(square).meanStdDevAsync(new cv.Mat(laplacianDefined, side, side, cv.CV_8UC1)),
    grey.getRegion(square).meanStdDevAsync(new cv.Mat(inFace, side, side, cv.CV_8UC1)),
  ]);
  const deviation = edges.stddev.at(0, 0);
  return {
    ...landmarkQuality(landmarks68),
    sharpness: deviation * deviation,
    brightness: tone.mean.at(0, 0),
    faceInImage: coveredCount / (side * side),
  };
}

/** Whether a face is good enough to enrol, and if not, every reason in words. */
export function assessEnrolmentQuality(
  quality: FaceQuality,
  limits: QualityLimits = DEFAULT_QUALITY_LIMITS,
): QualityVerdict {
  const reasons: string[] = [];
  const one = (value: number) => value.toFixed(1);
  if (quality.interOcularPx < limits.minInterOcularPx) {
    reasons.push(`face too small: eyes ${one(quality.interOcularPx)} px apart (minimum ${limits.minInterOcularPx} px)`);
  }
  if (quality.sharpness < limits.minSharpness) {
    reasons.push(`face too blurred: sharpness ${one(quality.sharpness)} (minimum ${limits.minSharpness})`);
  }
  if (quality.brightness < limits.minBrightness) {
    reasons.push(`face too dark: brightness ${one(quality.brightness)} (minimum ${limits.minBrightness})`);
  }
  if (quality.brightness > limits.maxBrightness) {
    reasons.push(`face too bright: brightness ${one(quality.brightness)} (maximum ${limits.maxBrightness})`);
  }
  if (quality.frontalness < limits.minFrontalness) {
    reasons.push(
      `face not frontal: frontalness ${quality.frontalness.toFixed(2)} (minimum ${limits.minFrontalness}; nose at ${quality.noseJawRatio.toFixed(2)} between the jaw ends, eye line at ${one(quality.rollDegrees)}°)`,
    );
  }
  if (quality.faceInImage < limits.minFaceInImage) {
    reasons.push(
      `face cut off by the image edge: ${Math.round(quality.faceInImage * 100)}% of it is inside (minimum ${Math.round(limits.minFaceInImage * 100)}%)`,
    );
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}
