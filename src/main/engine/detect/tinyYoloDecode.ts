/**
 * What face-api does with the tiny face detector's raw grid, outside the network:
 * TinyYolov2Base.extractBoxes (sigmoid/exp decoding against the anchors), detect()'s
 * non-maximum suppression, and the scaling of the surviving boxes to image pixels.
 */

import type { DetectedFace } from '../geometry.js';

export interface TinyYoloDecodeOptions {
  /** Side of the square the network saw (face-api's inputSize, a multiple of 32). */
  readonly inputSize: number;
  /** Faces whose objectness is not above this are dropped (face-api's scoreThreshold). */
  readonly scoreThreshold: number;
}

/** The tiny face detector's anchors (tinyFaceDetector/const.ts), in grid cells. */
export const TINY_FACE_DETECTOR_ANCHORS: readonly { readonly width: number; readonly height: number }[] = [
  { width: 1.603231, height: 2.094468 },
  { width: 6.041143, height: 7.080126 },
  { width: 2.882459, height: 3.518061 },
  { width: 4.266906, height: 5.178857 },
  { width: 9.041765, height: 10.66308 },
];

export const TINY_FACE_DETECTOR_IOU_THRESHOLD = 0.4;

/** tx, ty, tw, th, objectness: a single class, so face-api applies no softmax and the class score is 1. */
const BOX_ENCODING_SIZE = 5;
const GRID_STRIDE = 32;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Left/top/right/bottom, as face-api's BoundingBox keeps them. */
interface Corners {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

function intersectionOverUnion(a: Corners, b: Corners): number {
  const width = Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left));
  const height = Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const intersection = width * height;
  const area = (box: Corners): number => (box.right - box.left) * (box.bottom - box.top);
  return intersection / (area(a) + area(b) - intersection);
}

/**
 * face-api's greedy nonMaxSuppression: repeatedly keep the best remaining box and drop those
 * overlapping it by more than the threshold. Equal scores resolve the way its stable ascending
 * sort + pop does (later index first).
 */
function nonMaxSuppression(boxes: readonly Corners[], scores: readonly number[], iouThreshold: number): number[] {
  let remaining = scores
    .map((score, index) => ({ score, index }))
    .sort((a, b) => a.score - b.score)
    .map(({ index }) => index);
  const picked: number[] = [];
  while (remaining.length > 0) {
    const best = remaining.pop() as number;
    picked.push(best);
    const bestBox = boxes[best] as Corners;
    remaining = remaining.filter((index) => intersectionOverUnion(bestBox, boxes[index] as Corners) <= iouThreshold);
  }
  return picked;
}

/**
 * Decodes one image's grid (NHWC [inputSize/32, inputSize/32, 25], as the ONNX model returns it)
 * into faces in the pixels of the `image` that was padded bottom-right to a square and resized
 * to `inputSize`. Results are in face-api's order: highest score first, after suppression.
 */
export function decodeTinyFaceDetections(
  grid: Float32Array,
  image: { readonly width: number; readonly height: number },
  { inputSize, scoreThreshold }: TinyYoloDecodeOptions,
): DetectedFace[] {
  const cells = inputSize / GRID_STRIDE;
  const anchors = TINY_FACE_DETECTOR_ANCHORS;
  const expected = cells * cells * anchors.length * BOX_ENCODING_SIZE;
  if (!Number.isInteger(cells) || grid.length !== expected) {
    throw new Error(
      `tiny face detector grid has ${grid.length} values, expected ${expected} for inputSize ${inputSize}`,
    );
  }

  // The image covers only part of the padded square. face-api measures that part with its
  // rounded reshaped size (computeReshapedDimensions), not the exact ratio, and so do we.
  const scale = inputSize / Math.max(image.width, image.height);
  const coveredWidth = Math.round(image.width * scale);
  const coveredHeight = Math.round(image.height * scale);
  const coveredSide = Math.max(coveredWidth, coveredHeight);
  const correctionX = coveredSide / coveredWidth;
  const correctionY = coveredSide / coveredHeight;

  // Boxes are fractions of the image (not of the square) from here until the final scaling.
  const boxes: Corners[] = [];
  const scores: number[] = [];
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (const [anchorIndex, anchor] of anchors.entries()) {
        const offset = ((row * cells + col) * anchors.length + anchorIndex) * BOX_ENCODING_SIZE;
        const score = sigmoid(grid[offset + 4] as number);
        if (!(score > scoreThreshold)) continue;
        const centreX = ((col + sigmoid(grid[offset] as number)) / cells) * correctionX;
        const centreY = ((row + sigmoid(grid[offset + 1] as number)) / cells) * correctionY;
        const width = ((Math.exp(grid[offset + 2] as number) * anchor.width) / cells) * correctionX;
        const height = ((Math.exp(grid[offset + 3] as number) * anchor.height) / cells) * correctionY;
        const left = centreX - width / 2;
        const top = centreY - height / 2;
        boxes.push({ left, top, right: left + width, bottom: top + height });
        scores.push(score);
      }
    }
  }

  // face-api suppresses on the boxes scaled by inputSize; kept for identical rounding.
  const scaledBoxes = boxes.map(({ left, top, right, bottom }) => {
    const x = left * inputSize;
    const y = top * inputSize;
    return { left: x, top: y, right: x + (right - left) * inputSize, bottom: y + (bottom - top) * inputSize };
  });
  return nonMaxSuppression(scaledBoxes, scores, TINY_FACE_DETECTOR_IOU_THRESHOLD).map((index) => {
    const { left, top, right, bottom } = boxes[index] as Corners;
    return {
      box: {
        x: left * image.width,
        y: top * image.height,
        width: (right - left) * image.width,
        height: (bottom - top) * image.height,
      },
      score: scores[index] as number,
    };
  });
}
