/** Geometry shared by every stage. All coordinates are pixels of the original image. */

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned box; detector boxes are fractional and may reach past the image's edges. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One face as a detector reports it. */
export interface DetectedFace {
  readonly box: Box;
  /** The detector's confidence, 0..1. */
  readonly score: number;
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const intersection = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}
