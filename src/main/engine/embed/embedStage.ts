import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../image/preprocess.js';
import type { ModelSet } from '../models/modelSet.js';
import { timed, type Stage } from '../stage.js';

export const CHIP_SIZE = 150;
export const DESCRIPTOR_LENGTH = 128;

/**
 * The ResNet-34 descriptor net on aligned 150x150 face chips, the whole batch in one ONNX Runtime
 * call. Returns one 128-d descriptor per chip.
 */
export async function loadEmbedStage(models: ModelSet): Promise<Stage<RgbImage, Float32Array>> {
  const { session, entry } = await models.model('faceRecognition');
  const outputName = entry.outputs[0]?.name ?? 'descriptor';
  const chipValues = CHIP_SIZE * CHIP_SIZE * 3;
  return {
    name: 'embed',
    run: (chips) =>
      timed(async () => {
        if (chips.length === 0) return [];
        const batch = new Float32Array(chips.length * chipValues);
        chips.forEach((chip, index) => {
          if (chip.width !== CHIP_SIZE || chip.height !== CHIP_SIZE || chip.data.length !== chipValues) {
            throw new Error(
              `face chip ${index} is ${chip.width}x${chip.height}, expected ${CHIP_SIZE}x${CHIP_SIZE} RGB`,
            );
          }
          batch.set(chip.data, index * chipValues);
        });
        const tensor = new ort.Tensor('float32', batch, [chips.length, CHIP_SIZE, CHIP_SIZE, 3]);
        const output = (await session.run({ [entry.input.name]: tensor }))[outputName];
        if (!output) throw new Error(`recognition net returned no "${outputName}" output`);
        const data = output.data as Float32Array;
        return chips.map((_, index) => data.slice(index * DESCRIPTOR_LENGTH, (index + 1) * DESCRIPTOR_LENGTH));
      }),
  };
}

/** The chip mirrored left-right, for test-time augmentation. */
export function mirrorChip(chip: RgbImage): RgbImage {
  const { width, height, data } = chip;
  const mirrored = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = (y * width + (width - 1 - x)) * 3;
      mirrored[to] = data[from] as number;
      mirrored[to + 1] = data[from + 1] as number;
      mirrored[to + 2] = data[from + 2] as number;
    }
  }
  return { width, height, data: mirrored };
}
