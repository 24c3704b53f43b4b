import { checkInteger, MatchInputError } from './matchInputError.js';

/**
 * Face verification metrics over labelled pairs (the LFW protocol), also used to calibrate the
 * match threshold. A pair is judged "same person" when its distance is <= the threshold, the rule
 * the matcher applies.
 *
 * Thresholds chosen to maximise a score (accuracy, F1) are midpoints between consecutive distinct
 * distances, so a chosen threshold sits in the gap rather than on a training pair; "reject every
 * pair" is 1 below the smallest distance and "accept every pair" is the largest distance. When
 * several thresholds score the same, the smallest wins: it accepts the fewest impostors.
 */

export interface VerificationPair {
  readonly distance: number;
  readonly same: boolean;
  /** The pair's cross-validation fold (0-based), e.g. LFW's official split; see crossValidatedAccuracy. */
  readonly fold?: number;
}

export interface ThresholdScore {
  readonly threshold: number;
  readonly accuracy: number;
}

export interface F1Threshold {
  readonly threshold: number;
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
}

export interface FoldResult {
  readonly fold: number;
  /** Chosen on the other folds. */
  readonly threshold: number;
  /** Measured on this fold. */
  readonly accuracy: number;
  readonly pairs: number;
}

export interface CrossValidation {
  /** Mean of the fold accuracies. */
  readonly mean: number;
  /** Sample standard deviation of the fold accuracies (n - 1). */
  readonly std: number;
  /** std / sqrt(folds): the "± S_E" LFW results are reported with. */
  readonly standardError: number;
  readonly folds: readonly FoldResult[];
}

export interface FarOperatingPoint {
  /** The largest pair distance whose false-accept rate is within the target; null: reject everything. */
  readonly threshold: number | null;
  /** True-accept rate (genuine pairs at or below the threshold). */
  readonly tar: number;
  /** The false-accept rate actually reached, <= the target. */
  readonly far: number;
  readonly falseAccepts: number;
  readonly impostorPairs: number;
}

export interface DistanceHistograms {
  /** bins + 1 bin edges; bin i counts distances in [edges[i], edges[i+1]) (the last bin includes its top edge). */
  readonly edges: readonly number[];
  readonly genuine: readonly number[];
  readonly impostor: readonly number[];
  /** Pairs outside [edges[0], edges[bins]], counted nowhere else. */
  readonly outOfRange: number;
}

/** The sweep behind every threshold choice: pairs grouped by distinct distance, ascending. */
interface Sweep {
  readonly distances: readonly number[];
  /** Genuine / impostor pairs at each distinct distance. */
  readonly genuineAt: readonly number[];
  readonly impostorAt: readonly number[];
  readonly genuine: number;
  readonly impostor: number;
}

function checkPairs(pairs: readonly VerificationPair[]): void {
  if (pairs.length === 0) throw new MatchInputError('empty-input', 'no verification pairs to evaluate');
  pairs.forEach((pair, i) => {
    if (!Number.isFinite(pair.distance)) {
      throw new MatchInputError('non-finite', `pair ${i} has distance ${pair.distance}; distances must be finite`);
    }
    if (typeof pair.same !== 'boolean') {
      throw new MatchInputError('invalid-option', `pair ${i} has same = ${String(pair.same)}; expected true or false`);
    }
  });
}

function sweep(pairs: readonly VerificationPair[]): Sweep {
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance);
  const distances: number[] = [];
  const genuineAt: number[] = [];
  const impostorAt: number[] = [];
  for (const { distance, same } of sorted) {
    const last = distances.length - 1;
    if (last < 0 || distances[last] !== distance) {
      distances.push(distance);
      genuineAt.push(0);
      impostorAt.push(0);
    }
    const at = distances.length - 1;
    if (same) genuineAt[at] = (genuineAt[at] as number) + 1;
    else impostorAt[at] = (impostorAt[at] as number) + 1;
  }
  const genuine = pairs.filter((p) => p.same).length;
  return { distances, genuineAt, impostorAt, genuine, impostor: pairs.length - genuine };
}

/**
 * Visits every candidate threshold in ascending order with the genuine and impostor pairs it
 * accepts, and returns the first candidate with the highest score.
 */
function bestThreshold(
  { distances, genuineAt, impostorAt }: Sweep,
  score: (genuineAccepted: number, impostorsAccepted: number) => number,
): { threshold: number; score: number; genuineAccepted: number; impostorsAccepted: number } {
  const first = distances[0] as number;
  let best = { threshold: first - 1, score: score(0, 0), genuineAccepted: 0, impostorsAccepted: 0 };
  let genuineAccepted = 0;
  let impostorsAccepted = 0;
  for (let k = 0; k < distances.length; k++) {
    genuineAccepted += genuineAt[k] as number;
    impostorsAccepted += impostorAt[k] as number;
    const value = score(genuineAccepted, impostorsAccepted);
    if (value > best.score) {
      const next = distances[k + 1];
      const threshold = next === undefined ? (distances[k] as number) : ((distances[k] as number) + next) / 2;
      best = { threshold, score: value, genuineAccepted, impostorsAccepted };
    }
  }
  return best;
}

/** The threshold with the highest accuracy on these pairs, and that accuracy. */
export function bestThresholdAccuracy(pairs: readonly VerificationPair[]): ThresholdScore {
  checkPairs(pairs);
  const data = sweep(pairs);
  const best = bestThreshold(data, (tp, fp) => tp + (data.impostor - fp));
  return { threshold: best.threshold, accuracy: best.score / pairs.length };
}

/** Accuracy of the rule "same when distance <= threshold". */
export function accuracyAt(pairs: readonly VerificationPair[], threshold: number): number {
  checkPairs(pairs);
  const correct = pairs.filter((pair) => pair.distance <= threshold === pair.same).length;
  return correct / pairs.length;
}

/**
 * k-fold cross-validated accuracy, the LFW way: for each fold the threshold is chosen on the
 * other folds (bestThresholdAccuracy) and the accuracy measured on the fold itself.
 *
 * Folds come from the pairs' `fold` fields when every pair has one (LFW View 2's ten official
 * sets); otherwise they are dealt round-robin within each class — the i-th genuine pair to fold
 * i mod k, the i-th impostor likewise — so each fold keeps the data's genuine/impostor balance
 * even when the pairs arrive grouped (View 1 lists all its matched pairs first).
 */
export function crossValidatedAccuracy(pairs: readonly VerificationPair[], folds = 10): CrossValidation {
  checkPairs(pairs);
  checkInteger('folds', folds, 2);
  const withFold = pairs.filter((pair) => pair.fold !== undefined).length;
  if (withFold !== 0 && withFold !== pairs.length) {
    throw new MatchInputError(
      'invalid-option',
      `${withFold} of ${pairs.length} pairs name a fold; give every pair a fold or none`,
    );
  }
  let genuineSeen = 0;
  let impostorSeen = 0;
  const foldOf = pairs.map((pair, i) => {
    if (pair.fold === undefined) return pair.same ? genuineSeen++ % folds : impostorSeen++ % folds;
    if (!Number.isInteger(pair.fold) || pair.fold < 0 || pair.fold >= folds) {
      throw new MatchInputError('invalid-option', `pair ${i} names fold ${pair.fold}; folds are 0..${folds - 1}`);
    }
    return pair.fold;
  });

  const results: FoldResult[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const test = pairs.filter((_, i) => foldOf[i] === fold);
    const train = pairs.filter((_, i) => foldOf[i] !== fold);
    if (test.length === 0 || train.length === 0) {
      throw new MatchInputError(
        'empty-input',
        `fold ${fold} holds ${test.length} of the ${pairs.length} pairs; every fold needs some and must leave some`,
      );
    }
    const { threshold } = bestThresholdAccuracy(train);
    results.push({ fold, threshold, accuracy: accuracyAt(test, threshold), pairs: test.length });
  }
  const mean = results.reduce((sum, r) => sum + r.accuracy, 0) / folds;
  const variance = results.reduce((sum, r) => sum + (r.accuracy - mean) ** 2, 0) / (folds - 1);
  const std = Math.sqrt(variance);
  return { mean, std, standardError: std / Math.sqrt(folds), folds: results };
}

function checkBothClasses(data: Sweep): void {
  if (data.genuine === 0 || data.impostor === 0) {
    throw new MatchInputError(
      'empty-input',
      `needs both genuine and impostor pairs; got ${data.genuine} genuine and ${data.impostor} impostor`,
    );
  }
}

/**
 * Area under the ROC curve: the probability that a random genuine pair is closer than a random
 * impostor pair, ties counting one half (the Mann-Whitney statistic).
 */
export function rocAuc(pairs: readonly VerificationPair[]): number {
  checkPairs(pairs);
  const data = sweep(pairs);
  checkBothClasses(data);
  let impostorsBelow = 0;
  let wins = 0;
  data.distances.forEach((_, k) => {
    const genuineHere = data.genuineAt[k] as number;
    const impostorsHere = data.impostorAt[k] as number;
    wins += genuineHere * (data.impostor - impostorsBelow - impostorsHere) + 0.5 * genuineHere * impostorsHere;
    impostorsBelow += impostorsHere;
  });
  return wins / (data.genuine * data.impostor);
}

/**
 * The operating point with the highest true-accept rate whose false-accept rate is at most
 * `targetFar`: the empirical ROC, no interpolation. With N impostor pairs, floor(targetFar·N)
 * false accepts are allowed, so the threshold is the largest pair distance below the next
 * impostor's. Below 1/N the target means "no false accept at all"; TAR at FAR=1e-3 needs at least
 * 1,000 impostor pairs to mean what it says (LFW View 2 has 3,000).
 */
export function tarAtFar(pairs: readonly VerificationPair[], targetFar = 1e-3): FarOperatingPoint {
  checkPairs(pairs);
  if (!(targetFar >= 0 && targetFar <= 1)) {
    throw new MatchInputError('invalid-option', `targetFar must be a rate in 0..1, got ${targetFar}`);
  }
  const data = sweep(pairs);
  checkBothClasses(data);
  // The small relative nudge keeps 1e-3 × 1000 from flooring to 0 through rounding.
  const allowed = Math.floor(targetFar * data.impostor * (1 + 1e-12));
  let genuineAccepted = 0;
  let impostorsAccepted = 0;
  let threshold: number | null = null;
  for (let k = 0; k < data.distances.length; k++) {
    const impostorsHere = data.impostorAt[k] as number;
    if (impostorsAccepted + impostorsHere > allowed) break;
    genuineAccepted += data.genuineAt[k] as number;
    impostorsAccepted += impostorsHere;
    threshold = data.distances[k] as number;
  }
  return {
    threshold,
    tar: genuineAccepted / data.genuine,
    far: impostorsAccepted / data.impostor,
    falseAccepts: impostorsAccepted,
    impostorPairs: data.impostor,
  };
}

/** The threshold with the highest F1 score, "same person" being the positive class. */
export function bestF1Threshold(pairs: readonly VerificationPair[]): F1Threshold {
  checkPairs(pairs);
  const data = sweep(pairs);
  checkBothClasses(data);
  const best = bestThreshold(data, (tp, fp) => (2 * tp) / (2 * tp + fp + (data.genuine - tp)));
  const tp = best.genuineAccepted;
  return {
    threshold: best.threshold,
    f1: best.score,
    precision: tp + best.impostorsAccepted === 0 ? 1 : tp / (tp + best.impostorsAccepted),
    recall: tp / data.genuine,
  };
}

/** Genuine and impostor distance histograms over shared bins (default: the data's range). */
export function distanceHistograms(
  pairs: readonly VerificationPair[],
  options: { bins?: number; min?: number; max?: number } = {},
): DistanceHistograms {
  checkPairs(pairs);
  const bins = options.bins ?? 30;
  checkInteger('bins', bins, 1, 10_000);
  const min = options.min ?? Math.min(...pairs.map((p) => p.distance));
  const max = options.max ?? Math.max(...pairs.map((p) => p.distance));
  if (!(Number.isFinite(min) && Number.isFinite(max) && max >= min)) {
    throw new MatchInputError('invalid-option', `histogram range must satisfy min <= max, got ${min}..${max}`);
  }
  // A single distinct distance still needs bins of some width.
  const top = max > min ? max : min + 1;
  const span = top - min;
  // Interpolated from both ends, so the first and last edges are exactly min and max.
  const edges = Array.from({ length: bins + 1 }, (_, i) => (min * (bins - i) + top * i) / bins);
  const genuine = new Array<number>(bins).fill(0);
  const impostor = new Array<number>(bins).fill(0);
  let outOfRange = 0;
  for (const { distance, same } of pairs) {
    if (distance < min || distance > max) {
      outOfRange++;
      continue;
    }
    let bin = Math.min(bins - 1, Math.floor(((distance - min) / span) * bins));
    // Rounding can put a distance on an edge one bin off; the edges decide.
    if (bin < bins - 1 && distance >= (edges[bin + 1] as number)) bin++;
    else if (bin > 0 && distance < (edges[bin] as number)) bin--;
    const counts = same ? genuine : impostor;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { edges, genuine, impostor, outOfRange };
}
