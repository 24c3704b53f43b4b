import { MatchInputError } from './matchInputError.js';

/** Test support: the MatchInputError `work` throws, so a test can assert its code and message. */
export function thrown(work: () => unknown): MatchInputError {
  try {
    work();
  } catch (error) {
    if (error instanceof MatchInputError) return error;
    throw error;
  }
  throw new Error('expected a MatchInputError');
}
