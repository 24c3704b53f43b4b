import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { DetectedFace } from '../../src/main/engine/geometry.js';
import type { RgbImage } from '../../src/main/engine/image/preprocess.js';
import { seededRandom } from '../../src/main/engine/match/seededRandom.js';
import type { loadFaceApi } from './faceApiReference.js';
import { readRgb } from './images.js';
import { sharedPath } from './sharedData.js';

/** Test support shared by the forge parity tests: our ONNX models against face-api on the same input. */

export type FaceApi = Awaited<ReturnType<typeof loadFaceApi>>;

/** An HxWx3 float image as face-api's tensor3d takes it. */
export interface FloatImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
}

/**
 * A size x size NHWC batch of `randomImages` images of seeded random whole pixel values (0..255),
 * the same on every run, followed by one constant grey (128) image.
 */
export function randomThenGreyBatch(size: number, randomImages: number, seed: number): Float32Array {
  const pixels = size * size * 3;
  const random = seededRandom(seed);
  const batch = new Float32Array((randomImages + 1) * pixels);
  for (let i = 0; i < randomImages * pixels; i++) batch[i] = Math.floor(random() * 256);
  batch.fill(128, randomImages * pixels);
  return batch;
}

/** Splits a size x size NHWC batch into the per-image views face-api takes. */
export function splitSquares(batch: Float32Array, size: number): FloatImage[] {
  const pixels = size * size * 3;
  return Array.from({ length: batch.length / pixels }, (_, i) => ({
    data: batch.subarray(i * pixels, (i + 1) * pixels),
    height: size,
    width: size,
  }));
}

export function maxAbsDiff(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  expect(ours.length).toBe(reference.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs((ours[i] as number) - (reference[i] as number)));
  return max;
}

/** Largest |ours - reference| / max(1, |reference|): absolute for small values, relative for large ones. */
export function maxScaledDiff(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  expect(ours.length).toBe(reference.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++) {
    const expected = reference[i] as number;
    max = Math.max(max, Math.abs((ours[i] as number) - expected) / Math.max(1, Math.abs(expected)));
  }
  return max;
}

export function cropRgb(image: RgbImage, rect: { x: number; y: number; width: number; height: number }): RgbImage {
  const data = new Uint8Array(rect.width * rect.height * 3);
  for (let row = 0; row < rect.height; row++) {
    const start = ((rect.y + row) * image.width + rect.x) * 3;
    data.set(image.data.subarray(start, start + rect.width * 3), row * rect.width * 3);
  }
  return { width: rect.width, height: rect.height, data };
}

export const asFloatImage = (image: RgbImage): FloatImage => ({ ...image, data: Float32Array.from(image.data) });

export const bbtGroupPhoto = (n: number): RgbImage => readRgb(sharedPath('bbt', 'group', `bbt${n}.jpg`));

/**
 * The images named by the first LFW dev pairs, in order: 250x250, a face in the middle. Pairs share
 * images, so `distinct` decides whether a repeated image counts again.
 */
export function lfwPairImages(count: number, { distinct }: { distinct: boolean }): RgbImage[] {
  const lines = readFileSync(sharedPath('lfw-dev', 'pairsDevTest.txt'), 'utf8').split('\n').slice(1);
  const files: string[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) continue;
    const [name, first, second] = fields as [string, string, string];
    for (const index of [first, second]) {
      const file = sharedPath('lfw-dev', 'images', name, `${name}_${index.padStart(4, '0')}.jpg`);
      if (!distinct || !files.includes(file)) files.push(file);
    }
    if (files.length >= count) break;
  }
  return files.slice(0, count).map(readRgb);
}

/** faceapi.detectAllFaces on an RGB image, as plain DetectedFaces. */
export async function faceApiDetections(
  faceapi: FaceApi,
  image: RgbImage,
  options: Parameters<FaceApi['detectAllFaces']>[1],
): Promise<DetectedFace[]> {
  const tensor = faceapi.tf.tensor3d(Float32Array.from(image.data), [image.height, image.width, 3]);
  const detections = await faceapi.detectAllFaces(tensor, options);
  tensor.dispose();
  return detections.map(({ box, score }) => ({
    box: { x: box.x, y: box.y, width: box.width, height: box.height },
    score,
  }));
}

/**
 * Asserts both lists hold the same faces: each reference face is matched to one of ours by the
 * nearest box (so near-equal scores may come out in either order), then scores must agree within
 * `tolerance.score` and box edges within `tolerance.box` of the reference box's size. Logs the
 * largest differences after `label` and returns how many faces the reference found.
 */
export function expectSameDetections(
  ours: readonly DetectedFace[],
  reference: readonly DetectedFace[],
  label: string,
  tolerance: { readonly score: number; readonly box: number },
): number {
  expect(ours.length).toBe(reference.length);
  const unmatched = [...ours];
  let scoreDiff = 0;
  let boxDiff = 0;
  for (const expected of reference) {
    const { box } = expected;
    const distance = (face: DetectedFace): number =>
      Math.max(
        Math.abs(face.box.x - box.x) / box.width,
        Math.abs(face.box.y - box.y) / box.height,
        Math.abs(face.box.width - box.width) / box.width,
        Math.abs(face.box.height - box.height) / box.height,
      );
    const nearest = unmatched.reduce((best, face) => (distance(face) < distance(best) ? face : best));
    unmatched.splice(unmatched.indexOf(nearest), 1);
    scoreDiff = Math.max(scoreDiff, Math.abs(nearest.score - expected.score));
    boxDiff = Math.max(boxDiff, distance(nearest));
  }
  console.log(
    `${label}: ${reference.length} faces, ` +
      `max score diff ${scoreDiff.toExponential(2)}, max box diff ${boxDiff.toExponential(2)} of the box size`,
  );
  expect(scoreDiff).toBeLessThanOrEqual(tolerance.score);
  expect(boxDiff).toBeLessThanOrEqual(tolerance.box);
  return reference.length;
}
