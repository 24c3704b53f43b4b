import onnxProto from 'onnx-proto';
import { dequantizationTable, type Weight } from './weights.js';

const { onnx } = onnxProto;

/** ONNX opset the forge targets: every op used here has had its current semantics since 13. */
export const OPSET = 13;

export type AttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

export const int = (value: number): AttributeValue => ({ kind: 'int', value });
export const ints = (value: readonly number[]): AttributeValue => ({ kind: 'ints', value });
export const float = (value: number): AttributeValue => ({ kind: 'float', value });
export const floats = (value: readonly number[]): AttributeValue => ({ kind: 'floats', value });
export const str = (value: string): AttributeValue => ({ kind: 'string', value });

/** A dimension is either fixed or a named symbolic size such as "batch". */
export type Dim = number | string;

type TypedValues = Float32Array | Int32Array | Uint8Array | BigInt64Array;

export const ELEMENT_TYPE = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  uint8: onnx.TensorProto.DataType.UINT8,
  int64: onnx.TensorProto.DataType.INT64,
} as const;
export type ElementType = keyof typeof ELEMENT_TYPE;

function elementTypeOf(values: TypedValues): number {
  if (values instanceof Float32Array) return ELEMENT_TYPE.float32;
  if (values instanceof Int32Array) return ELEMENT_TYPE.int32;
  if (values instanceof Uint8Array) return ELEMENT_TYPE.uint8;
  return ELEMENT_TYPE.int64;
}

/** Little-endian raw bytes, which is what ONNX's raw_data requires on every platform. */
function littleEndianBytes(values: TypedValues): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return new Uint8Array(bytes);
}

/** Reorders an N-d row-major array by `perm` (output axis i = input axis perm[i]). */
export function permute<T extends Float32Array | Int32Array | Uint8Array>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): { data: T; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis] as number);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] as number) * (shape[i + 1] as number);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let source = 0;
    for (let i = 0; i < rank; i++) source += (index[i] as number) * (inStrides[perm[i] as number] as number);
    out[o] = data[source] as number;
    for (let i = rank - 1; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      if ((index[i] as number) < (outShape[i] as number)) break;
      index[i] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/**
 * Builds an ONNX graph node by node. Names are generated from a counter, so the same recipe
 * always serialises to the same bytes.
 */
export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  private uniqueName(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_/.-]/g, '_');
    let name = base;
    while (this.usedNames.has(name)) name = `${base}__${++this.counter}`;
    this.usedNames.add(name);
    return name;
  }

  private valueInfo(name: string, dims: readonly Dim[], elementType: ElementType): onnxProto.onnx.IValueInfoProto {
    return {
      name,
      type: {
        tensorType: {
          elemType: ELEMENT_TYPE[elementType],
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    };
  }

  /** Declares a graph input (float32 unless said otherwise). */
  input(name: string, dims: readonly Dim[], elementType: ElementType = 'float32'): string {
    this.usedNames.add(name);
    this.inputs.push(this.valueInfo(name, dims, elementType));
    return name;
  }

  /** Exposes float32 `value` as a graph output called `name`. */
  output(value: string, name: string, dims: readonly Dim[]): void {
    if (this.usedNames.has(name)) throw new Error(`graph output name "${name}" is already used inside the graph`);
    this.usedNames.add(name);
    this.nodes.push({ opType: 'Identity', name: this.uniqueName(`node/${name}`), input: [value], output: [name] });
    this.outputs.push(this.valueInfo(name, dims, 'float32'));
  }

  /** Adds a constant tensor. */
  constant(hint: string, values: TypedValues, dims: readonly number[]): string {
    const name = this.uniqueName(hint);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: elementTypeOf(values),
      rawData: littleEndianBytes(values),
    });
    return name;
  }

  scalar(hint: string, value: number): string {
    return this.constant(hint, Float32Array.of(value), []);
  }

  int64s(hint: string, values: readonly number[]): string {
    return this.constant(hint, BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  /**
   * Adds a weight, optionally with its axes permuted. A uint8-quantised weight stays uint8 in the
   * file and is expanded in-graph through its 256-entry table (Gather), which reproduces tfjs's
   * dequantisation bit for bit; ONNX Runtime folds it to a constant when the session loads.
   */
  weight(weight: Weight, perm?: readonly number[], reshapeTo?: readonly number[]): string {
    const hint = weight.name;
    const targetShape = (shape: readonly number[]): number[] => [...(reshapeTo ?? shape)];
    if (weight.quantized) {
      const { codes, quantization } = weight.quantized;
      const permuted = perm ? permute(codes, weight.shape, perm) : { data: codes, shape: [...weight.shape] };
      const codesName = this.constant(`${hint}/codes`, permuted.data, targetShape(permuted.shape));
      const table = dequantizationTable(quantization, weight.dtype);
      const tableName = this.constant(`${hint}/table`, table, [256]);
      const indices = this.node('Cast', [codesName], { to: int(ELEMENT_TYPE.int32) }, `${hint}/indices`);
      return this.node('Gather', [tableName, indices], { axis: int(0) }, hint);
    }
    const permuted = perm
      ? permute(weight.values, weight.shape, perm)
      : { data: weight.values, shape: [...weight.shape] };
    return this.constant(hint, permuted.data, targetShape(permuted.shape));
  }

  /** Appends a node with one output and returns that output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    hint?: string,
  ): string {
    return this.nodeWithOutputs(opType, inputs, attributes, 1, hint)[0] as string;
  }

  nodeWithOutputs(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue>,
    outputCount: number,
    hint?: string,
  ): string[] {
    const outputs = Array.from({ length: outputCount }, (_, i) =>
      this.uniqueName(`${hint ?? opType}${outputCount > 1 ? `:${i}` : ''}`),
    );
    this.nodes.push({
      opType,
      name: this.uniqueName(`node/${hint ?? opType}`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([name, attr]) => toAttributeProto(name, attr)),
    });
    return outputs;
  }

  /** Serialises the model; the bytes depend only on the recipe. */
  toBytes(docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: 'clockface-model-forge',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function toAttributeProto(name: string, attr: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (attr.kind) {
    case 'int':
      return { name, type: T.INT, i: attr.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...attr.value] };
    case 'float':
      return { name, type: T.FLOAT, f: attr.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...attr.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(attr.value) };
  }
}
