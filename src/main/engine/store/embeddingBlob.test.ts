import { describe, expect, it } from 'vitest';
import { decodeEmbedding, encodeEmbedding } from './embeddingBlob.js';
import { testEmbedding } from './testStore.js';

describe('embedding blob', () => {
  it('writes float32 little-endian, 4 bytes a value, whatever the CPU', () => {
    const blob = encodeEmbedding([1, -2, 0.5]);
    expect([...blob]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f]);
  });

  it('round-trips 128 values exactly', () => {
    const embedding = testEmbedding(7);
    const blob = encodeEmbedding(embedding);
    expect(blob.byteLength).toBe(512);
    expect(decodeEmbedding(blob, 128)).toEqual(embedding);
  });

  it('reads a blob that sits at an odd offset inside a larger buffer', () => {
    const inner = encodeEmbedding([3.25, -1]);
    const outer = Buffer.concat([Buffer.from([9]), inner]);
    expect([...decodeEmbedding(outer.subarray(1), 2)]).toEqual([3.25, -1]);
  });

  it('rounds doubles to float32 on the way in', () => {
    expect(decodeEmbedding(encodeEmbedding([0.1]), 1)[0]).toBe(Math.fround(0.1));
  });

  it('refuses empty, non-finite and out-of-float32-range values', () => {
    expect(() => encodeEmbedding([])).toThrow('embedding has no values');
    expect(() => encodeEmbedding([0, Number.NaN])).toThrow('embedding value 1 is NaN, not a finite float32');
    expect(() => encodeEmbedding([1e39])).toThrow('embedding value 0 is 1e+39, not a finite float32');
  });

  it('refuses a blob of the wrong length or with non-finite values', () => {
    expect(() => decodeEmbedding(Buffer.alloc(508), 128)).toThrow(
      'embedding is 508 bytes, expected 512 (128 float32 values)',
    );
    const blob = encodeEmbedding([1, 2, 3]);
    blob.writeFloatLE(Number.POSITIVE_INFINITY, 8);
    expect(() => decodeEmbedding(blob, 3)).toThrow('embedding value 2 is Infinity');
  });
});
