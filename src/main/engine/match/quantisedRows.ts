import { createWasmMemory, instantiateInt8Kernels, WASM_PAGE_BYTES, WASM_MAX_PAGES } from './int8Kernel.js';
import type { Int8Kernels, WasmMemory } from './int8Kernel.js';

/**
 * An int8 mirror of the gallery's rows, kept in WebAssembly memory for the SIMD kernel.
 *
 * Each row x is stored as codes q (int8, |q| <= 127) and a float32 scale s = max|x| / 127, so
 * x' = s·q; the probe is quantised the same way. The approximate distance d' = |p' - x'| is within
 *   radius = |p - p'| + max over rows |x - x'|
 * of the exact distance |p - x| (triangle inequality), and the kernel's float32 arithmetic is
 * within `slack` of d'^2. So for every row r the exact distance d_r satisfies
 *   sqrt(max(0, values[r] + base - slack)) - radius  <=  d_r  <=  sqrt(values[r] + base + slack) + radius
 * which lets the matcher discard rows with certainty and re-rank only the few that might win.
 */
export interface ApproximateDistances {
  /**
   * False when the descriptors are so large (norms beyond 1e18) that float32 could overflow in
   * the kernel: the values then bound nothing and the caller must scan exactly.
   */
  readonly usable: boolean;
  /** One value per row (read the first `size`); valid until the next scan or change. */
  readonly values: Float32Array;
  readonly base: number;
  readonly radius: number;
  readonly slack: number;
  /** The first row from `row` on whose value is <= `limit`, or the row count when there is none. */
  nextAtMost(row: number, limit: number): number;
}

/** The kernel's float32 rounding is below 5·2^-24·(|p'| + |x'|)^2; this keeps a 3x margin. */
const ROUNDING_FACTOR = 1e-6;
/** ...plus, for tiny descriptors, a few of float32's smallest steps (2^-149 each). */
const ROUNDING_FLOOR = 1e-43;
/** Squared norms up to (2·1e18)^2 stay far below float32's 3.4e38. */
const MAX_NORM = 1e18;
/** Row errors are computed in float64; this covers their last-bit rounding with room to spare. */
const RADIUS_FACTOR = 1 + 1e-9;

export class QuantisedRows {
  /** Bytes per row: the dimension rounded up to whole 8-byte halves of a SIMD register. */
  readonly stride: number;
  private readonly memory: WasmMemory = createWasmMemory();
  private readonly kernels: Int8Kernels;
  /** Rows the memory is laid out for; always a multiple of 4, the kernel's block size. */
  private capacity = 0;
  private codes = new Int8Array(0);
  private scales = new Float32Array(0);
  private sqNorms = new Float32Array(0);
  private probeCodes = new Int8Array(0);
  private out = new Float32Array(0);
  /** Upper bounds over every row ever written (a removed row can only make them looser). */
  private maxRowError = 0;
  private maxRowNorm = 0;

  constructor(readonly dim: number) {
    this.stride = Math.ceil(dim / 8) * 8;
    this.kernels = instantiateInt8Kernels(this.stride, this.memory);
  }

  /** Bytes of WebAssembly memory a gallery of `rows` rows needs. */
  private bytesFor(rows: number): number {
    return rows * (this.stride + 12) + this.stride;
  }

  /**
   * Makes room for `rows` rows, keeping the stored ones. Throws a RangeError when 4 GiB of
   * WebAssembly memory cannot hold them; the stored rows are untouched then.
   */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.ceil(rows / 4) * 4;
    const pages = Math.ceil(this.bytesFor(capacity) / WASM_PAGE_BYTES);
    const current = this.memory.buffer.byteLength / WASM_PAGE_BYTES;
    if (pages > WASM_MAX_PAGES) {
      throw new RangeError(`${capacity} rows need ${pages} pages of WebAssembly memory; at most ${WASM_MAX_PAGES}`);
    }
    // Growing detaches the old views: keep the per-row floats aside, then lay the memory out again
    // as codes | scales | sqNorms | probe codes | out (the probe and out are scratch).
    const keptScales = this.scales.slice();
    const keptSqNorms = this.sqNorms.slice();
    if (pages > current) this.memory.grow(pages - current);
    const buffer = this.memory.buffer;
    const scalesAt = capacity * this.stride;
    const sqNormsAt = scalesAt + capacity * 4;
    const probeAt = sqNormsAt + capacity * 4;
    this.capacity = capacity;
    this.codes = new Int8Array(buffer, 0, capacity * this.stride);
    this.scales = new Float32Array(buffer, scalesAt, capacity);
    this.scales.set(keptScales);
    this.sqNorms = new Float32Array(buffer, sqNormsAt, capacity);
    this.sqNorms.set(keptSqNorms);
    this.probeCodes = new Int8Array(buffer, probeAt, this.stride);
    this.out = new Float32Array(buffer, probeAt + this.stride, capacity);
  }

  /** Quantises `source[offset .. offset + dim)` into row `row` (within the reserved capacity). */
  write(row: number, source: Float32Array, offset: number): void {
    const { dim, stride } = this;
    const scale = quantisationScale(source, offset, dim);
    const at = row * stride;
    let codeSquares = 0;
    let errorSquared = 0;
    for (let j = 0; j < dim; j++) {
      const value = source[offset + j] as number;
      const code = quantise(value, scale);
      this.codes[at + j] = code;
      codeSquares += code * code;
      const residual = value - scale * code;
      errorSquared += residual * residual;
    }
    this.codes.fill(0, at + dim, at + stride);
    this.scales[row] = scale;
    this.sqNorms[row] = scale * scale * codeSquares;
    this.maxRowError = Math.max(this.maxRowError, Math.sqrt(errorSquared));
    this.maxRowNorm = Math.max(this.maxRowNorm, scale * Math.sqrt(codeSquares));
  }

  /** Copies row `from` over row `to` (the gallery's swap-with-last removal). */
  copyRow(from: number, to: number): void {
    this.codes.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
    this.scales[to] = this.scales[from] as number;
    this.sqNorms[to] = this.sqNorms[from] as number;
  }

  /** Approximate distances from `probe` (dim values) to rows 0 .. rowCount-1. */
  scan(probe: Float64Array, rowCount: number): ApproximateDistances {
    const { dim } = this;
    const scale = quantisationScale(probe, 0, dim);
    let codeSquares = 0;
    let errorSquared = 0;
    this.probeCodes.fill(0);
    for (let j = 0; j < dim; j++) {
      const value = probe[j] as number;
      const code = quantise(value, scale);
      this.probeCodes[j] = code;
      codeSquares += code * code;
      const residual = value - scale * code;
      errorSquared += residual * residual;
    }
    const blocks = Math.ceil(rowCount / 4);
    if (blocks > 0) {
      this.kernels.scan(
        this.codes.byteOffset,
        this.scales.byteOffset,
        this.sqNorms.byteOffset,
        blocks,
        this.probeCodes.byteOffset,
        this.out.byteOffset,
        2 * scale,
      );
    }
    const probeNorm = scale * Math.sqrt(codeSquares);
    const normSum = probeNorm + this.maxRowNorm;
    const values = this.out;
    const { nextBlockAtMost } = this.kernels;
    return {
      usable: normSum <= MAX_NORM,
      values,
      nextAtMost: (from, limit) => {
        // Single rows up to a block boundary, then whole blocks in WebAssembly. The kernel
        // compares in float32: fround(limit) admits every float32 value <= limit (maybe more).
        let row = from;
        for (;;) {
          for (; row < rowCount && (row & 3) !== 0; row++) if ((values[row] as number) <= limit) return row;
          if (row >= rowCount) return rowCount;
          row = 4 * nextBlockAtMost(values.byteOffset, row >>> 2, blocks, Math.fround(limit));
          const end = Math.min(rowCount, row + 4);
          for (; row < end; row++) if ((values[row] as number) <= limit) return row;
          if (row >= rowCount) return rowCount;
        }
      },
      base: scale * scale * codeSquares,
      radius: (Math.sqrt(errorSquared) + this.maxRowError) * RADIUS_FACTOR,
      slack: ROUNDING_FACTOR * normSum * normSum + ROUNDING_FLOOR,
    };
  }
}

/** max|x| / 127 as float32, so that s·q is exact in float64 and the kernel sees the same s. */
function quantisationScale(values: ArrayLike<number>, offset: number, dim: number): number {
  let largest = 0;
  for (let j = 0; j < dim; j++) largest = Math.max(largest, Math.abs(values[offset + j] as number));
  return Math.fround(largest / 127);
}

function quantise(value: number, scale: number): number {
  if (scale === 0) return 0;
  return Math.max(-127, Math.min(127, Math.round(value / scale)));
}
