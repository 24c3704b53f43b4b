export type MatchInputErrorCode =
  | 'wrong-dimension'
  | 'non-finite'
  | 'invalid-id'
  | 'duplicate-template'
  | 'invalid-option'
  | 'gallery-full'
  | 'too-few-classes'
  | 'empty-input';

/** Input the matching code refuses; nothing already stored has been changed when it is thrown. */
export class MatchInputError extends Error {
  constructor(
    readonly code: MatchInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MatchInputError';
  }
}

/** Refuses an embedding of the wrong length or with NaN/±Infinity (checked as float32, as stored). */
export function checkEmbedding(embedding: ArrayLike<number>, dim: number, what: string): void {
  if (embedding.length !== dim) {
    throw new MatchInputError(
      'wrong-dimension',
      `${what} has ${embedding.length} values; expected a ${dim}-d face descriptor`,
    );
  }
  for (let i = 0; i < dim; i++) {
    const value = embedding[i] as number;
    if (!Number.isFinite(Math.fround(value))) {
      throw new MatchInputError(
        'non-finite',
        `${what} value ${i} is ${value}; face descriptors must be finite float32 numbers`,
      );
    }
  }
}

/** Refuses an option that is not an integer in [min, max]. */
export function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new MatchInputError('invalid-option', `${name} must be an integer ${range}, got ${value}`);
  }
}

/** Refuses a distance threshold that is negative or NaN (Infinity is allowed: "never unknown"). */
export function checkThreshold(threshold: number): void {
  if (Number.isNaN(threshold) || threshold < 0) {
    throw new MatchInputError('invalid-option', `threshold must be a non-negative distance, got ${threshold}`);
  }
}
