import type { Box, Point } from '../geometry.js';

/**
 * The box the landmark net expects around a face, predicted from landmarks. Measured on 191 LFW
 * faces: SSD's box is the landmarks' extent ×1.036 wide and ×1.305 tall, centred horizontally and
 * raised by 0.124 of the landmarks' height (it includes the forehead). Re-running the net on this
 * box makes landmarks independent of which detector framed the face, and averaging a few such
 * passes steadies them: LFW verification goes from 97.2 % to 99.1 %.
 */
const WIDTH_FACTOR = 1.036;
const HEIGHT_FACTOR = 1.305;
const RAISE_FACTOR = 0.124;

export function boxFromLandmarks(landmarks: readonly Point[]): Box {
  let left = Infinity;
  let right = -Infinity;
  let top = Infinity;
  let bottom = -Infinity;
  for (const { x, y } of landmarks) {
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  const width = (right - left) * WIDTH_FACTOR;
  const height = (bottom - top) * HEIGHT_FACTOR;
  const centreX = (left + right) / 2;
  const centreY = (top + bottom) / 2 - RAISE_FACTOR * (bottom - top);
  return { x: centreX - width / 2, y: centreY - height / 2, width, height };
}

/** The point-wise mean of several landmark sets of the same face. */
export function meanLandmarks(sets: readonly (readonly Point[])[]): Point[] {
  const first = sets[0];
  if (!first) throw new RangeError('meanLandmarks needs at least one landmark set');
  return first.map((_, index) => {
    let x = 0;
    let y = 0;
    for (const set of sets) {
      x += (set[index] as Point).x;
      y += (set[index] as Point).y;
    }
    return { x: x / sets.length, y: y / sets.length };
  });
}
