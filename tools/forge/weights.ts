import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Reads a tfjs "weights manifest" and its .bin shards exactly as tfjs-core's
 * decodeWeights does, so the ONNX models start from bit-identical parameters.
 */

const quantizationSchema = z.object({
  dtype: z.literal('uint8'),
  scale: z.number().finite(),
  min: z.number().finite(),
});

const weightEntrySchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32']),
  quantization: quantizationSchema.optional(),
});

const manifestSchema = z
  .array(
    z.object({
      paths: z.array(z.string().min(1)).min(1),
      weights: z.array(weightEntrySchema),
    }),
  )
  .min(1);

export type Quantization = z.infer<typeof quantizationSchema>;

/** One named tensor; `quantized` keeps the original uint8 codes so the forge can store them compactly. */
export interface Weight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  /** Dequantised values, as tfjs computes them (float64 arithmetic, then stored in the typed array). */
  readonly values: Float32Array | Int32Array;
  readonly quantized?: { readonly codes: Uint8Array; readonly quantization: Quantization };
}

export class WeightsError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'WeightsError';
  }
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The 256 values a uint8 code can stand for, as tfjs-core decodes them: `q * scale + min` in
 * float64, then stored as float32, or rounded for int32 weights.
 */
export function dequantizationTable(q: Quantization, dtype: 'float32' | 'int32'): Float32Array | Int32Array {
  if (dtype === 'int32') {
    const table = new Int32Array(256);
    for (let code = 0; code < 256; code++) table[code] = Math.round(code * q.scale + q.min);
    return table;
  }
  const table = new Float32Array(256);
  for (let code = 0; code < 256; code++) table[code] = code * q.scale + q.min;
  return table;
}

function readManifest(manifestPath: string): z.infer<typeof manifestSchema> {
  if (!existsSync(manifestPath)) throw new WeightsError(manifestPath, 'weights manifest is missing');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new WeightsError(manifestPath, `weights manifest is not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WeightsError(
      manifestPath,
      `weights manifest does not match the tfjs format at ${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Loads every weight listed in `<dir>/<modelName>-weights_manifest.json`, keyed by name. */
export function loadTfjsWeights(dir: string, modelName: string): Map<string, Weight> {
  const manifestPath = join(dir, `${modelName}-weights_manifest.json`);
  const groups = readManifest(manifestPath);
  const weights = new Map<string, Weight>();

  for (const group of groups) {
    const shards = group.paths.map((shard) => {
      const path = join(dir, shard);
      if (!existsSync(path)) throw new WeightsError(path, `weights file named in ${manifestPath} is missing`);
      if (!statSync(path).isFile()) throw new WeightsError(path, 'weights path is not a regular file');
      return readFileSync(path);
    });
    const buffer = Buffer.concat(shards);
    const shardNames = group.paths.map((p) => join(dir, p)).join(', ');
    let offset = 0;

    for (const entry of group.weights) {
      const count = elementCount(entry.shape);
      const byteLength = entry.quantization ? count : count * 4;
      if (offset + byteLength > buffer.length) {
        throw new WeightsError(
          shardNames,
          `truncated: weight "${entry.name}" needs bytes ${offset}..${offset + byteLength} but the file has ${buffer.length}`,
        );
      }
      if (weights.has(entry.name)) throw new WeightsError(manifestPath, `weight "${entry.name}" is listed twice`);
      const bytes = buffer.subarray(offset, offset + byteLength);
      offset += byteLength;

      if (entry.quantization) {
        const codes = new Uint8Array(bytes);
        const table = dequantizationTable(entry.quantization, entry.dtype);
        const values = entry.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
        for (let i = 0; i < count; i++) values[i] = table[codes[i] as number] as number;
        weights.set(entry.name, {
          name: entry.name,
          shape: entry.shape,
          dtype: entry.dtype,
          values,
          quantized: { codes, quantization: entry.quantization },
        });
      } else {
        // Copy so the typed array is 4-byte aligned regardless of the shard offset.
        const aligned = new Uint8Array(bytes).buffer;
        const values = entry.dtype === 'float32' ? new Float32Array(aligned) : new Int32Array(aligned);
        weights.set(entry.name, { name: entry.name, shape: entry.shape, dtype: entry.dtype, values });
      }
    }
    if (offset !== buffer.length) {
      throw new WeightsError(
        shardNames,
        `size mismatch: the manifest describes ${offset} bytes but the file has ${buffer.length}`,
      );
    }
  }
  return weights;
}

/** Looks a weight up, failing with the weight's name rather than a TypeError later. */
export function requireWeight(weights: ReadonlyMap<string, Weight>, name: string, source: string): Weight {
  const weight = weights.get(name);
  if (!weight) throw new WeightsError(source, `weight "${name}" is not in the manifest`);
  return weight;
}
