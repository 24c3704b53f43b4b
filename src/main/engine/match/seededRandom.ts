/** Reproducible pseudo-random numbers for training and synthetic data: the same seed, the same stream. */

export type Random = () => number;

/** Mulberry32: uniform in [0, 1), 32 bits of state, fast and good enough for shuffles and test data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box-Muller). */
export function gaussian(random: Random): number {
  const u = 1 - random(); // (0, 1]: keeps log finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A direction drawn uniformly from the unit sphere in `dim` dimensions. */
export function randomUnitVector(random: Random, dim: number): Float32Array {
  const vector = new Float32Array(dim);
  let squared = 0;
  for (let j = 0; j < dim; j++) {
    const value = gaussian(random);
    vector[j] = value;
    squared += value * value;
  }
  const scale = 1 / Math.sqrt(squared);
  for (let j = 0; j < dim; j++) vector[j] = (vector[j] as number) * scale;
  return vector;
}
