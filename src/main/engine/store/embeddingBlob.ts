import { StoreError } from './errors.js';

/**
 * The one place that knows how an embedding is laid out on disk: float32 values, little-endian,
 * back to back, so a database copied between machines reads the same on every CPU.
 */
const BYTES_PER_VALUE = 4;

export function encodeEmbedding(values: ArrayLike<number>): Buffer {
  if (values.length === 0) throw new StoreError('invalid-embedding', 'embedding has no values');
  const bytes = Buffer.alloc(values.length * BYTES_PER_VALUE);
  for (let i = 0; i < values.length; i++) {
    const value = Math.fround(values[i] ?? Number.NaN);
    if (!Number.isFinite(value)) {
      throw new StoreError('invalid-embedding', `embedding value ${i} is ${values[i]}, not a finite float32`);
    }
    bytes.writeFloatLE(value, i * BYTES_PER_VALUE);
  }
  return bytes;
}

/** Reads a stored embedding, refusing a blob of the wrong length or with non-finite values. */
export function decodeEmbedding(blob: Uint8Array, dimension: number): Float32Array {
  if (blob.byteLength !== dimension * BYTES_PER_VALUE) {
    throw new StoreError(
      'invalid-embedding',
      `embedding is ${blob.byteLength} bytes, expected ${dimension * BYTES_PER_VALUE} (${dimension} float32 values)`,
    );
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const values = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const value = view.getFloat32(i * BYTES_PER_VALUE, true);
    if (!Number.isFinite(value)) throw new StoreError('invalid-embedding', `embedding value ${i} is ${value}`);
    values[i] = value;
  }
  return values;
}
