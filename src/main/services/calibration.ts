import type { CalibrationReport } from '../../shared/ipc.js';
import { euclideanDistance } from '../engine/match/match.js';
import { seededRandom } from '../engine/match/seededRandom.js';
import {
  bestF1Threshold,
  distanceHistograms,
  tarAtFar,
  type VerificationPair,
} from '../engine/match/verificationMetrics.js';

/**
 * Threshold calibration from the enrolled gallery: every pair of templates is a genuine pair (same
 * person) or an impostor pair (different people); their distances give the histograms, the
 * threshold with the best F1 and the largest threshold meeting a target false-accept rate.
 */

/** One stored template, as the store's gallery lists them. */
export interface CalibrationTemplate {
  readonly templateId: number;
  readonly personId: number;
  readonly embedding: ArrayLike<number>;
}

/** Histogram range: 128-d descriptor distances live in 0..1.5 (unit-length vectors are at most 2 apart, and are not seen above 1.4). */
export const HISTOGRAM_MAX_DISTANCE = 1.5;
/** 0.05 wide: fine enough to see where genuine and impostor distances meet. */
export const HISTOGRAM_BINS = 30;
export const DEFAULT_TARGET_FAR = 0.001;
/** About 500,000 pairs, about a second on the main thread: larger galleries are sampled down to this many templates. */
export const MAX_CALIBRATION_TEMPLATES = 1000;
const SAMPLE_SEED = 20_240_601;

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

export function calibrate(
  gallery: readonly CalibrationTemplate[],
  options: { readonly targetFar?: number; readonly currentThreshold: number },
): CalibrationReport {
  const targetFar = options.targetFar ?? DEFAULT_TARGET_FAR;
  if (!(targetFar >= 0 && targetFar <= 1)) {
    throw new CalibrationError(`the target false-accept rate must be 0..1, got ${targetFar}`);
  }
  const people = new Map<number, number>();
  for (const template of gallery) people.set(template.personId, (people.get(template.personId) ?? 0) + 1);
  if (people.size < 2) {
    throw new CalibrationError(
      `calibration needs at least 2 enrolled people (impostor pairs), the gallery has ${people.size}`,
    );
  }
  if (![...people.values()].some((count) => count >= 2)) {
    throw new CalibrationError(
      'calibration needs at least one person with 2 or more templates (genuine pairs); every enrolled person has 1: enrol more photos',
    );
  }
  const sampled = gallery.length > MAX_CALIBRATION_TEMPLATES;
  const templates = sampled ? sample(gallery, MAX_CALIBRATION_TEMPLATES) : gallery;
  const pairs = templatePairs(templates);
  const genuinePairs = pairs.filter((pair) => pair.same).length;
  if (genuinePairs === 0 || genuinePairs === pairs.length) {
    throw new CalibrationError('the sampled templates hold no genuine or no impostor pair: enrol more photos');
  }
  const histogram = distanceHistograms(pairs, { bins: HISTOGRAM_BINS, min: 0, max: HISTOGRAM_MAX_DISTANCE });
  const f1 = bestF1Threshold(pairs);
  const far = tarAtFar(pairs, targetFar);
  return {
    people: new Set(templates.map((template) => template.personId)).size,
    templates: templates.length,
    genuinePairs,
    impostorPairs: pairs.length - genuinePairs,
    histogram,
    bestF1: f1,
    atTargetFar: { targetFar, threshold: far.threshold, tar: far.tar, far: far.far },
    currentThreshold: options.currentThreshold,
    sampled,
  };
}

function templatePairs(templates: readonly CalibrationTemplate[]): VerificationPair[] {
  const pairs: VerificationPair[] = [];
  for (let i = 0; i < templates.length; i++) {
    const a = templates[i] as CalibrationTemplate;
    for (let j = i + 1; j < templates.length; j++) {
      const b = templates[j] as CalibrationTemplate;
      pairs.push({ distance: euclideanDistance(a.embedding, b.embedding), same: a.personId === b.personId });
    }
  }
  return pairs;
}

/** `count` templates drawn without replacement, the same ones for the same gallery. */
function sample(gallery: readonly CalibrationTemplate[], count: number): CalibrationTemplate[] {
  const random = seededRandom(SAMPLE_SEED);
  const shuffled = [...gallery].sort((a, b) => a.templateId - b.templateId);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as CalibrationTemplate, shuffled[i] as CalibrationTemplate];
  }
  return shuffled.slice(0, count);
}
