import { describe, expect, it } from 'vitest';
import { QuantisedRows } from './quantisedRows.js';
import { gaussian, randomUnitVector, seededRandom } from './seededRandom.js';

/** The exact distance of every row lies inside the interval the quantised scan promises. */
describe('QuantisedRows', () => {
  it.each([128, 13, 8, 1])('bounds every exact distance, %i-d', (dim) => {
    const random = seededRandom(dim);
    const rows = new QuantisedRows(dim);
    const count = 2001; // not a multiple of 4: the last block is partly beyond the rows
    const vectors = new Float32Array(count * dim);
    for (let r = 0; r < count; r++) {
      // Unit vectors, a few tiny and a few large ones, and an all-zero row.
      const scale = r === 0 ? 0 : r % 50 === 1 ? 1e-4 : r % 50 === 2 ? 30 : 1;
      vectors.set(
        randomUnitVector(random, dim).map((v) => v * scale),
        r * dim,
      );
    }
    // Grown a row at a time, so every reserve() moves the per-row floats.
    for (let r = 0; r < count; r++) {
      rows.reserve(r + 1);
      rows.write(r, vectors, r * dim);
    }
    let worstLowerGap = Infinity;
    let widest = 0;
    for (let q = 0; q < 20; q++) {
      const probe = Float64Array.from({ length: dim }, () => gaussian(random) / Math.sqrt(dim));
      const { values, base, radius, slack } = rows.scan(probe, count);
      for (let r = 0; r < count; r++) {
        let squared = 0;
        for (let j = 0; j < dim; j++) squared += ((vectors[r * dim + j] as number) - (probe[j] as number)) ** 2;
        const exact = Math.sqrt(squared);
        const value = values[r] as number;
        const lower = Math.sqrt(Math.max(0, value + base - slack)) - radius;
        const upper = Math.sqrt(value + base + slack) + radius;
        expect(lower).toBeLessThanOrEqual(exact);
        expect(upper).toBeGreaterThanOrEqual(exact);
        worstLowerGap = Math.min(worstLowerGap, exact - lower);
        if (r % 50 > 2 && r > 0) widest = Math.max(widest, upper - lower);
      }
    }
    expect(worstLowerGap).toBeGreaterThanOrEqual(0);
    // The 30x rows set the error bound for all rows: the interval is honest but loose then.
    expect(widest).toBeLessThan(dim === 1 ? 1 : 3);
  });

  it('gives a tight interval on a gallery of unit descriptors', () => {
    const random = seededRandom(17);
    const dim = 128;
    const rows = new QuantisedRows(dim);
    rows.reserve(1000);
    const vectors = new Float32Array(1000 * dim);
    for (let r = 0; r < 1000; r++) {
      vectors.set(randomUnitVector(random, dim), r * dim);
      rows.write(r, vectors, r * dim);
    }
    const { values, base, radius, slack } = rows.scan(Float64Array.from(randomUnitVector(random, dim)), 1000);
    const widths = Array.from(
      values.subarray(0, 1000),
      (v) => Math.sqrt(v + base + slack) - Math.sqrt(v + base - slack) + 2 * radius,
    );
    // int8 pins each distance of a unit descriptor to within ±0.016: a re-rank of a handful of rows.
    expect(Math.max(...widths)).toBeCloseTo(0.0323, 4);
    expect(radius).toBeCloseTo(0.01616, 4);
  });

  it('finds the next row at or below a limit exactly as a plain loop does', () => {
    const random = seededRandom(23);
    const rows = new QuantisedRows(16);
    const count = 1003;
    rows.reserve(count);
    const vectors = new Float32Array(count * 16);
    for (let r = 0; r < count; r++) {
      vectors.set(randomUnitVector(random, 16), r * 16);
      rows.write(r, vectors, r * 16);
    }
    const { values, nextAtMost } = rows.scan(Float64Array.from(randomUnitVector(random, 16)), count);
    const sorted = Array.from(values.subarray(0, count)).sort((a, b) => a - b);
    let checks = 0;
    for (const limit of [-1, sorted[0] as number, sorted[3] as number, sorted[40] as number, Infinity]) {
      // Just below a stored float32 must exclude it: the kernel compares in float32.
      for (const edge of [limit, limit - 1e-12]) {
        for (let from = 0; from <= count; from += 7) {
          let expected = from;
          while (expected < count && (values[expected] as number) > edge) expected++;
          expect(nextAtMost(from, edge)).toBe(expected);
          checks++;
        }
      }
    }
    expect(checks).toBe(1440);
  });

  it('copies a row over another, as the gallery does on removal', () => {
    const rows = new QuantisedRows(4);
    rows.reserve(8);
    const vectors = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    for (let r = 0; r < 3; r++) rows.write(r, vectors, r * 4);
    rows.copyRow(2, 0);
    const { values, base } = rows.scan(Float64Array.from([0, 0, 1, 0]), 2);
    expect((values[0] as number) + base).toBeCloseTo(0, 6);
    expect((values[1] as number) + base).toBeCloseTo(2, 5);
  });
});
