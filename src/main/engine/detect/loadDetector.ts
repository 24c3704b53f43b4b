import type { DetectorKind, EngineConfig } from '../config.js';
import type { DetectedFace } from '../geometry.js';
import type { Frame } from '../image/frame.js';
import type { ModelSet } from '../models/modelSet.js';
import type { Stage } from '../stage.js';
import { loadHaarDetector } from './haarDetector.js';
import { loadSsdDetector } from './ssdDetector.js';
import { loadTinyDetector } from './tinyDetector.js';

export type FaceDetector = Stage<Frame, DetectedFace[]>;

const LOADERS: Record<DetectorKind, (models: ModelSet, config: EngineConfig) => Promise<FaceDetector>> = {
  ssd: loadSsdDetector,
  tiny: loadTinyDetector,
  haar: loadHaarDetector,
};

/** The configured detector, with faces smaller than `minFaceSize` filtered out. */
export async function loadDetector(
  models: ModelSet,
  config: EngineConfig,
  kind = config.detector,
): Promise<FaceDetector> {
  const detector = await LOADERS[kind](models, config);
  return {
    name: 'detect',
    run: async (frames) => {
      const { outputs, ms } = await detector.run(frames);
      const bigEnough = outputs.map((faces) => faces.filter((face) => face.box.width >= config.minFaceSize));
      return { outputs: bigEnough, ms };
    },
  };
}
