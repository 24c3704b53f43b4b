import * as ort from 'onnxruntime-node';
import type { EngineConfig } from '../config.js';
import type { DetectedFace } from '../geometry.js';
import { stackBatch, type Frame } from '../image/frame.js';
import type { ModelSet } from '../models/modelSet.js';
import { timed, type Stage } from '../stage.js';
import { decodeTinyFaceDetections } from './tinyYoloDecode.js';

/** The tiny face detector: face-api's preparation and decoding around the forged ONNX net. */
export async function loadTinyDetector(models: ModelSet, config: EngineConfig): Promise<Stage<Frame, DetectedFace[]>> {
  const [{ session, entry }, resizer] = await Promise.all([models.model('tinyFaceDetector'), models.squareResizer()]);
  const inputSize = config.tinyInputSize;
  const outputName = entry.outputs[0]?.name ?? 'grid';
  return {
    name: 'detect',
    run: (frames) =>
      timed(async () => {
        if (frames.length === 0) return [];
        const inputs = await Promise.all(frames.map((frame) => resizer.run(frame.rgb, inputSize, 'bottom-right')));
        const feeds = {
          [entry.input.name]: new ort.Tensor('float32', stackBatch(inputs.map((input) => input.pixels)), [
            frames.length,
            inputSize,
            inputSize,
            3,
          ]),
        };
        const grid = (await session.run(feeds))[outputName];
        if (!grid) throw new Error(`tiny face detector returned no "${outputName}" output`);
        const perImage = (grid.data as Float32Array).length / frames.length;
        return frames.map((frame, index) =>
          decodeTinyFaceDetections(
            (grid.data as Float32Array).subarray(index * perImage, (index + 1) * perImage),
            frame,
            { inputSize, scoreThreshold: config.minDetectionScore },
          ),
        );
      }),
  };
}
