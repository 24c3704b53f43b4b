import { int, ints, str, type Dim, type OnnxGraph } from './onnxGraph.js';
import type { Weight } from './weights.js';

/**
 * TensorFlow-semantics building blocks on NCHW tensors. tfjs works in NHWC with HWIO filters;
 * ONNX Conv wants NCHW and OIHW, so filters are permuted once here and activations are
 * transposed only at the graph's edges.
 */

export type TfPadding = 'same' | 'valid';

/** TF "SAME" puts the odd extra row/column at the bottom/right, which is ONNX's SAME_UPPER. */
function autoPad(padding: TfPadding) {
  return str(padding === 'same' ? 'SAME_UPPER' : 'VALID');
}

const HWIO_TO_OIHW = [3, 2, 0, 1];
/** Depthwise filters are [kh, kw, C, 1]; ONNX grouped conv wants [C, 1, kh, kw]. */
const DEPTHWISE_TO_C1HW = [2, 3, 0, 1];

/** Declares an NHWC float input and returns the same tensor as NCHW. */
export function nhwcInput(graph: OnnxGraph, name: string, dims: readonly Dim[]): string {
  const input = graph.input(name, dims);
  return graph.node('Transpose', [input], { perm: ints([0, 3, 1, 2]) }, `${name}/nchw`);
}

export function toNhwc(graph: OnnxGraph, x: string): string {
  return graph.node('Transpose', [x], { perm: ints([0, 2, 3, 1]) });
}

export interface ConvOptions {
  readonly strides?: number;
  readonly padding: TfPadding;
  readonly dilations?: number;
}

/** tf.conv2d(x, filter, strides, padding) [+ bias]. */
export function conv2d(
  graph: OnnxGraph,
  x: string,
  filter: Weight,
  bias: Weight | undefined,
  options: ConvOptions,
): string {
  const strides = options.strides ?? 1;
  const dilations = options.dilations ?? 1;
  const w = graph.weight(filter, HWIO_TO_OIHW);
  const inputs = bias ? [x, w, graph.weight(bias)] : [x, w];
  return graph.node(
    'Conv',
    inputs,
    {
      auto_pad: autoPad(options.padding),
      strides: ints([strides, strides]),
      dilations: ints([dilations, dilations]),
      kernel_shape: ints([filter.shape[0] as number, filter.shape[1] as number]),
    },
    filter.name.replace(/\/filters?$/, '') || undefined,
  );
}

/** tf.depthwiseConv2d(x, filter, strides, padding) [+ bias]. */
export function depthwiseConv2d(
  graph: OnnxGraph,
  x: string,
  filter: Weight,
  bias: Weight | undefined,
  options: ConvOptions,
): string {
  const strides = options.strides ?? 1;
  const channels = filter.shape[2] as number;
  const w = graph.weight(filter, DEPTHWISE_TO_C1HW);
  const inputs = bias ? [x, w, graph.weight(bias)] : [x, w];
  return graph.node('Conv', inputs, {
    auto_pad: autoPad(options.padding),
    strides: ints([strides, strides]),
    group: int(channels),
    kernel_shape: ints([filter.shape[0] as number, filter.shape[1] as number]),
  });
}

/** Reshapes a per-channel vector [C] to [1, C, 1, 1] so it broadcasts over NCHW. */
export function channelVector(graph: OnnxGraph, weight: Weight): string {
  return graph.weight(weight, undefined, [1, weight.shape.reduce((a, b) => a * b, 1), 1, 1]);
}

export function maxPool(graph: OnnxGraph, x: string, kernel: number, strides: number, padding: TfPadding): string {
  return graph.node('MaxPool', [x], {
    auto_pad: autoPad(padding),
    kernel_shape: ints([kernel, kernel]),
    strides: ints([strides, strides]),
  });
}

/** tf.avgPool; TF excludes padding from the average, as ONNX does by default. */
export function avgPool(graph: OnnxGraph, x: string, kernel: number, strides: number, padding: TfPadding): string {
  return graph.node('AveragePool', [x], {
    auto_pad: autoPad(padding),
    kernel_shape: ints([kernel, kernel]),
    strides: ints([strides, strides]),
  });
}

export const relu = (graph: OnnxGraph, x: string): string => graph.node('Relu', [x]);
export const add = (graph: OnnxGraph, a: string, b: string): string => graph.node('Add', [a, b]);
export const sub = (graph: OnnxGraph, a: string, b: string): string => graph.node('Sub', [a, b]);
export const mul = (graph: OnnxGraph, a: string, b: string): string => graph.node('Mul', [a, b]);
export const div = (graph: OnnxGraph, a: string, b: string): string => graph.node('Div', [a, b]);

/** (x - mean[c]) / divisor on an NCHW tensor, the way face-api's `normalize(...).div(255)` does it. */
export function subtractMeanAndDivide(
  graph: OnnxGraph,
  x: string,
  meanRgb: readonly [number, number, number],
  divisor: number,
): string {
  const mean = graph.constant('mean_rgb', Float32Array.from(meanRgb), [1, 3, 1, 1]);
  return div(graph, sub(graph, x, mean), graph.scalar('divisor', divisor));
}
