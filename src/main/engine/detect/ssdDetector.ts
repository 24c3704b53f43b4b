import * as ort from 'onnxruntime-node';
import type { EngineConfig } from '../config.js';
import type { DetectedFace } from '../geometry.js';
import { stackBatch, type Frame } from '../image/frame.js';
import type { ModelSet } from '../models/modelSet.js';
import { timed, type Stage } from '../stage.js';
import { decodeSsdDetections, SSD_INPUT_SIZE } from './ssdDecode.js';

const BOX_VALUES = 4;
const CLASS_VALUES = 3;

/** SSD-MobileNetV1: face-api's preparation and decoding around the forged ONNX net. */
export async function loadSsdDetector(models: ModelSet, config: EngineConfig): Promise<Stage<Frame, DetectedFace[]>> {
  const [{ session, entry }, resizer] = await Promise.all([models.model('ssdMobilenetv1'), models.squareResizer()]);
  return {
    name: 'detect',
    run: (frames) =>
      timed(async () => {
        if (frames.length === 0) return [];
        const inputs = await Promise.all(frames.map((frame) => resizer.run(frame.rgb, SSD_INPUT_SIZE, 'bottom-right')));
        const tensor = new ort.Tensor('float32', stackBatch(inputs.map((input) => input.pixels)), [
          frames.length,
          SSD_INPUT_SIZE,
          SSD_INPUT_SIZE,
          3,
        ]);
        const outputs = await session.run({ [entry.input.name]: tensor });
        const boxEncodings = outputs['box_encodings']?.data as Float32Array | undefined;
        const classLogits = outputs['class_logits']?.data as Float32Array | undefined;
        const anchors = outputs['anchors']?.data as Float32Array | undefined;
        if (!boxEncodings || !classLogits || !anchors) throw new Error('SSD model is missing an output');
        const anchorCount = anchors.length / BOX_VALUES;
        return frames.map((frame, index) =>
          decodeSsdDetections(
            {
              boxEncodings: boxEncodings.subarray(
                index * anchorCount * BOX_VALUES,
                (index + 1) * anchorCount * BOX_VALUES,
              ),
              classLogits: classLogits.subarray(
                index * anchorCount * CLASS_VALUES,
                (index + 1) * anchorCount * CLASS_VALUES,
              ),
              anchors,
            },
            frame,
            { minConfidence: config.minDetectionScore },
          ),
        );
      }),
  };
}
