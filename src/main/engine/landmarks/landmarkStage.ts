import * as ort from 'onnxruntime-node';
import cv from '../cv.js';
import type { DetectedFace, Point } from '../geometry.js';
import { stackBatch, type Frame } from '../image/frame.js';
import type { ModelSet } from '../models/modelSet.js';
import { timed, type Stage } from '../stage.js';
import { decodeLandmarks, faceCropRect, LANDMARK_COUNT } from './landmarkDecode.js';

const INPUT_SIZE = 112;

export interface LandmarkRequest {
  readonly frame: Frame;
  readonly face: DetectedFace;
}

/** 68 points in image pixels, or null when the face's box lies outside the image. */
export type Landmarks68 = readonly Point[] | null;

/**
 * The 68-point landmark net on each face box: crop the box, pad it centred to a square, resize to
 * 112, run all faces of the batch at once.
 */
export async function loadLandmarkStage(models: ModelSet): Promise<Stage<LandmarkRequest, Landmarks68>> {
  const [{ session, entry }, resizer] = await Promise.all([models.model('faceLandmark68'), models.squareResizer()]);
  const outputName = entry.outputs[0]?.name ?? 'landmarks';
  return {
    name: 'landmarks',
    run: (requests) =>
      timed(async () => {
        const crops = requests.map(({ frame, face }) => faceCropRect(face.box, frame.width, frame.height));
        const present = requests.flatMap((request, index) => {
          const crop = crops[index];
          return crop ? [{ request, crop, index }] : [];
        });
        const results: Landmarks68[] = requests.map(() => null);
        if (present.length === 0) return results;

        const inputs = await Promise.all(
          present.map(({ request, crop }) =>
            resizer.run(
              request.frame.rgb.getRegion(new cv.Rect(crop.x, crop.y, crop.width, crop.height)),
              INPUT_SIZE,
              'centred',
            ),
          ),
        );
        const tensor = new ort.Tensor('float32', stackBatch(inputs.map((input) => input.pixels)), [
          present.length,
          INPUT_SIZE,
          INPUT_SIZE,
          3,
        ]);
        const output = (await session.run({ [entry.input.name]: tensor }))[outputName];
        if (!output) throw new Error(`landmark net returned no "${outputName}" output`);
        const raw = output.data as Float32Array;
        present.forEach(({ crop, index }, row) => {
          // Offset by the crop the network saw (face-api offsets by the unclipped box, which
          // shifts every point when a box reaches past the image's edge).
          const values = raw.subarray(row * LANDMARK_COUNT * 2, (row + 1) * LANDMARK_COUNT * 2);
          results[index] = decodeLandmarks(values, crop, { x: crop.x, y: crop.y });
        });
        return results;
      }),
  };
}
