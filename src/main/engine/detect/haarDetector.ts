import cv, { type Mat } from '../cv.js';
import type { EngineConfig } from '../config.js';
import type { DetectedFace } from '../geometry.js';
import type { Frame } from '../image/frame.js';
import type { ModelSet } from '../models/modelSet.js';
import { timed, type Stage } from '../stage.js';

/** How many overlapping cascade hits count as a certain face, for the pseudo-confidence below. */
const CONFIDENT_NEIGHBOURS = 30;

/**
 * OpenCV's Haar frontal-face cascade: the fast path. It reports neighbour counts, not
 * probabilities; the score is that count scaled to 0..1, good for ranking, not for thresholds.
 */
export async function loadHaarDetector(models: ModelSet, config: EngineConfig): Promise<Stage<Frame, DetectedFace[]>> {
  const classifier = new cv.CascadeClassifier(models.cascadePath('haarFrontalFaceDefault'));
  const minSize = new cv.Size(config.minFaceSize, config.minFaceSize);
  // One CascadeClassifier must not detect on two threads at once (it returns wrong boxes), so
  // its async calls are chained.
  let previous: Promise<unknown> = Promise.resolve();
  const detectSerially = (grey: Mat) => {
    const next = previous.then(() =>
      classifier.detectMultiScaleAsync(grey, config.haarScaleFactor, config.haarMinNeighbors, 0, minSize),
    );
    previous = next.catch(() => undefined);
    return next;
  };
  return {
    name: 'detect',
    run: (frames) =>
      timed(() =>
        Promise.all(
          frames.map(async (frame) => {
            const grey = await (await frame.bgr.cvtColorAsync(cv.COLOR_BGR2GRAY)).equalizeHistAsync();
            const { objects, numDetections } = await detectSerially(grey);
            return objects
              .map((rect, index) => ({
                box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
                score: Math.min(1, (numDetections[index] ?? 0) / CONFIDENT_NEIGHBOURS),
              }))
              .sort((a, b) => b.score - a.score);
          }),
        ),
      ),
  };
}
