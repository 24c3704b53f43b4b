import type { DetectedFace } from '../geometry.js';

/**
 * What face-api does with the SSD MobileNetV1 predictor outputs, outside the network:
 * outputLayer.ts (anchor decoding and the face score), SsdMobilenetv1.locateFaces (threshold,
 * its own non-maximum suppression, and the mapping back to image pixels). face-api decodes in
 * float32 tensors, so the decoding rounds every step to float32 too: the kept boxes then sit on
 * the same side of the score and IoU thresholds as face-api's.
 */

/** Side of the square the network sees. */
export const SSD_INPUT_SIZE = 512;
/** locateFaces hard-codes this. */
export const SSD_IOU_THRESHOLD = 0.5;
/** SsdMobilenetv1Options' defaults. */
export const SSD_DEFAULT_MIN_CONFIDENCE = 0.5;
export const SSD_DEFAULT_MAX_RESULTS = 100;

const BOX_VALUES = 4;
const CLASS_VALUES = 3;
/** Column of the face class in the class logits (0 is background). */
const FACE_CLASS = 1;

export interface SsdOutputs {
  /** One image's `box_encodings`: [anchors, 4] raw [ty, tx, th, tw]. */
  readonly boxEncodings: Float32Array;
  /** One image's `class_logits`: [anchors, 3]. */
  readonly classLogits: Float32Array;
  /** The model's constant `anchors`: [anchors, 4] as [ymin, xmin, ymax, xmax] fractions of the square. */
  readonly anchors: Float32Array;
}

export interface SsdDecodeOptions {
  /** Faces whose score is not above this are dropped; face-api's minConfidence, in (0, 1). */
  readonly minConfidence?: number;
  readonly maxResults?: number;
}

const f32 = Math.fround;

/**
 * outputLayer's decodeBoxesLayer: per anchor, [ymin, xmin, ymax, xmax] as fractions of the padded
 * square, with face-api's operation order and float32 rounding.
 */
export function decodeSsdBoxes(boxEncodings: Float32Array, anchors: Float32Array): Float32Array {
  if (boxEncodings.length !== anchors.length || anchors.length % BOX_VALUES !== 0) {
    throw new Error(`SSD box encodings have ${boxEncodings.length} values but the anchors have ${anchors.length}`);
  }
  const boxes = new Float32Array(anchors.length);
  for (let i = 0; i < anchors.length; i += BOX_VALUES) {
    const value = (array: Float32Array, k: number): number => array[i + k] as number;
    const [aymin, axmin, aymax, axmax] = [0, 1, 2, 3].map((k) => value(anchors, k)) as [number, number, number, number];
    const [ty, tx, th, tw] = [0, 1, 2, 3].map((k) => value(boxEncodings, k)) as [number, number, number, number];
    const height = f32(aymax - aymin);
    const width = f32(axmax - axmin);
    const centreY = f32(aymin + f32(height / 2));
    const centreX = f32(axmin + f32(width / 2));
    const halfHeight = f32(f32(f32(Math.exp(f32(th / 5))) * height) / 2);
    const y = f32(f32(f32(ty / 10) * height) + centreY);
    const halfWidth = f32(f32(f32(Math.exp(f32(tw / 5))) * width) / 2);
    const x = f32(f32(f32(tx / 10) * width) + centreX);
    boxes[i] = y - halfHeight;
    boxes[i + 1] = x - halfWidth;
    boxes[i + 2] = y + halfHeight;
    boxes[i + 3] = x + halfWidth;
  }
  return boxes;
}

/** outputLayer's scores: sigmoid of the face logit, per anchor. */
export function ssdFaceScores(classLogits: Float32Array): Float32Array {
  if (classLogits.length % CLASS_VALUES !== 0) {
    throw new Error(`SSD class logits have ${classLogits.length} values, not a multiple of ${CLASS_VALUES}`);
  }
  const scores = new Float32Array(classLogits.length / CLASS_VALUES);
  for (let i = 0; i < scores.length; i++) {
    scores[i] = 1 / (1 + Math.exp(-(classLogits[i * CLASS_VALUES + FACE_CLASS] as number)));
  }
  return scores;
}

/** nonMaxSuppression.ts's IOU: corners may come in either order; empty boxes overlap nothing. */
function intersectionOverUnion(boxes: Float32Array, i: number, j: number): number {
  const corner = (box: number, k: number): number => boxes[box * BOX_VALUES + k] as number;
  const yminI = Math.min(corner(i, 0), corner(i, 2));
  const xminI = Math.min(corner(i, 1), corner(i, 3));
  const ymaxI = Math.max(corner(i, 0), corner(i, 2));
  const xmaxI = Math.max(corner(i, 1), corner(i, 3));
  const yminJ = Math.min(corner(j, 0), corner(j, 2));
  const xminJ = Math.min(corner(j, 1), corner(j, 3));
  const ymaxJ = Math.max(corner(j, 0), corner(j, 2));
  const xmaxJ = Math.max(corner(j, 1), corner(j, 3));
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const intersection =
    Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0) *
    Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  return intersection / (areaI + areaJ - intersection);
}

/**
 * nonMaxSuppression.ts: candidates above the threshold, best first (a stable sort, so equal
 * scores keep anchor order); a candidate is kept unless it overlaps a kept box by more than
 * the IoU threshold. face-api phrases this as multiplying the score by 0 and comparing it
 * with the threshold, which is the same test because the threshold is positive.
 */
function nonMaxSuppression(
  boxes: Float32Array,
  scores: Float32Array,
  maxResults: number,
  minConfidence: number,
): number[] {
  const outputSize = Math.min(maxResults, scores.length);
  const candidates = Array.from(scores, (score, index) => ({ score, index }))
    .filter(({ score }) => score > minConfidence)
    .sort((a, b) => b.score - a.score);
  const selected: number[] = [];
  for (const { index } of candidates) {
    if (selected.length >= outputSize) break;
    if (selected.every((kept) => intersectionOverUnion(boxes, index, kept) <= SSD_IOU_THRESHOLD)) selected.push(index);
  }
  return selected;
}

/**
 * Decodes one image's outputs into faces in the pixels of the `image` that was padded bottom-right
 * to a square and resized to 512. Results are in face-api's order: best score first.
 */
export function decodeSsdDetections(
  outputs: SsdOutputs,
  image: { readonly width: number; readonly height: number },
  { minConfidence = SSD_DEFAULT_MIN_CONFIDENCE, maxResults = SSD_DEFAULT_MAX_RESULTS }: SsdDecodeOptions = {},
): DetectedFace[] {
  if (!(minConfidence > 0 && minConfidence < 1)) {
    throw new RangeError(`SSD minConfidence must be between 0 and 1, got ${minConfidence}`);
  }
  const boxes = decodeSsdBoxes(outputs.boxEncodings, outputs.anchors);
  const scores = ssdFaceScores(outputs.classLogits);
  if (scores.length * BOX_VALUES !== boxes.length) {
    throw new Error(`SSD outputs disagree: ${scores.length} class rows for ${boxes.length / BOX_VALUES} anchors`);
  }

  // The image covers only part of the square. face-api measures that part with its rounded
  // reshaped size (computeReshapedDimensions), not the exact ratio, and so do we.
  const scale = SSD_INPUT_SIZE / Math.max(image.width, image.height);
  const toImageX = SSD_INPUT_SIZE / Math.round(image.width * scale);
  const toImageY = SSD_INPUT_SIZE / Math.round(image.height * scale);

  const faces: DetectedFace[] = [];
  for (const index of nonMaxSuppression(boxes, scores, maxResults, minConfidence)) {
    const corner = (k: number): number => boxes[index * BOX_VALUES + k] as number;
    // Clipped to the square, then rescaled to fractions of the image.
    const top = Math.max(0, corner(0)) * toImageY;
    const bottom = Math.min(1, corner(2)) * toImageY;
    const left = Math.max(0, corner(1)) * toImageX;
    const right = Math.min(1, corner(3)) * toImageX;
    // Only a box wholly outside the square comes out inverted; face-api throws on it.
    if (bottom < top || right < left) continue;
    faces.push({
      box: {
        x: left * image.width,
        y: top * image.height,
        width: (right - left) * image.width,
        height: (bottom - top) * image.height,
      },
      score: scores[index] as number,
    });
  }
  return faces;
}
