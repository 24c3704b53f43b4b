import type { OnnxModelEntry, OnnxModelId } from '../../src/main/engine/models/manifest.js';
import type { Weight } from './weights.js';

/** What a model recipe produces: the ONNX bytes and how callers must feed and read them. */
export interface ForgedModel {
  readonly bytes: Uint8Array;
  readonly input: OnnxModelEntry['input'];
  readonly outputs: OnnxModelEntry['outputs'];
}

/** One face-api network turned into ONNX: every model module exports one of these. */
export interface ModelRecipe {
  readonly id: OnnxModelId;
  /** The face-api weights' base name, e.g. "ssd_mobilenetv1_model". */
  readonly faceApiModel: string;
  readonly task: OnnxModelEntry['task'];
  /** `source` names the weights manifest, for error messages. */
  build(weights: ReadonlyMap<string, Weight>, source: string): ForgedModel;
}

/**
 * The input every forged net shares: one float32 NHWC tensor named "input" holding RGB 0..255
 * pixels; each net differs only in its shape, its in-graph normalisation and its preparation.
 */
export function rgbInput(
  shape: OnnxModelEntry['input']['shape'],
  normalization: string,
  preprocessing: string,
): OnnxModelEntry['input'] {
  return {
    name: 'input',
    dtype: 'float32',
    shape,
    layout: 'NHWC',
    colorOrder: 'RGB',
    valueRange: '0..255',
    normalization,
    preprocessing,
  };
}
