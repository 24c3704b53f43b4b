import { DEFAULT_MATCH_THRESHOLD } from './match.js';
import { checkEmbedding, checkInteger, checkThreshold, MatchInputError } from './matchInputError.js';

/**
 * One-vs-rest L2-regularised logistic regression over face descriptors, for people enrolled with
 * several photos: each person gets a linear score that uses the spread of all their photos, where
 * nearest-neighbour search looks at one template at a time.
 *
 * Training: the descriptors are centred on their mean and scaled to unit RMS norm, then for each
 * person the weighted logistic loss (their samples weigh half, everyone else's the other half, so
 * a person with 3 photos is not drowned by 3,000 others) plus l2/2·|w|² is minimised by
 * accelerated gradient descent (FISTA with adaptive restart) with the fixed step 1/L, L the
 * loss's smoothness bound. Nothing is random: the same samples in the same order give the same
 * model, bit for bit. Cost: about iterations × classes × samples × dim multiply-adds.
 *
 * The unknown rule. A linear score cannot reject a stranger by itself: the hyperplanes extend
 * forever, so a face far from everyone can still score high for whichever person it lies
 * "towards". So the prediction is the best-scoring person only when both
 *  - their score (a probability under one-vs-rest) is at least `minScore` (default 0.5: the
 *    model prefers "this person" to "anyone else"), which rejects faces between two people, and
 *  - the probe is within `threshold` (default 0.6, the descriptor's calibrated same-person
 *    distance) of one of that person's training photos, which rejects strangers.
 */

export interface LabelledEmbedding {
  readonly embedding: ArrayLike<number>;
  readonly personId: string;
}

export interface LinearTrainingOptions {
  /** L2 penalty on the weights (not the bias), in units of the scaled descriptors. */
  readonly l2?: number;
  readonly maxIterations?: number;
  /** Stop when every gradient component is below this. */
  readonly tolerance?: number;
}

export const DEFAULT_L2 = 1e-3;
export const DEFAULT_MAX_ITERATIONS = 1000;
export const DEFAULT_TOLERANCE = 1e-6;
export const DEFAULT_MIN_SCORE = 0.5;

export interface LinearModel {
  readonly dim: number;
  /** Person ids, sorted; class c is classes[c]. */
  readonly classes: readonly string[];
  /** Descriptors are mapped to (x - mean) · scale before scoring. */
  readonly mean: Float64Array;
  readonly scale: number;
  /** classes × dim, row-major. */
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  /** The training descriptors grouped by class: class c owns rows classStarts[c] .. classStarts[c+1]. */
  readonly samples: Float32Array;
  readonly classStarts: Int32Array;
  /** Iterations each class took to converge (maxIterations when it did not). */
  readonly iterations: Int32Array;
}

export interface LinearPredictOptions {
  readonly minScore?: number;
  readonly threshold?: number;
}

export interface LinearPrediction {
  /** The best-scoring person, or null when the unknown rule rejects the probe. */
  readonly personId: string | null;
  /** The best-scoring person even when rejected. */
  readonly candidate: string;
  /** The candidate's one-vs-rest probability, and how far it leads the runner-up's. */
  readonly score: number;
  readonly margin: number;
  /** Distance from the probe to the candidate's closest training descriptor. */
  readonly distance: number;
}

export function trainLinearClassifier(
  samples: readonly LabelledEmbedding[],
  options: LinearTrainingOptions = {},
): LinearModel {
  const l2 = options.l2 ?? DEFAULT_L2;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(l2 > 0 && Number.isFinite(l2))) {
    throw new MatchInputError('invalid-option', `l2 must be a positive number, got ${l2}`);
  }
  if (!(tolerance > 0 && Number.isFinite(tolerance))) {
    throw new MatchInputError('invalid-option', `tolerance must be a positive number, got ${tolerance}`);
  }
  checkInteger('maxIterations', maxIterations, 1);
  const first = samples[0];
  if (!first) throw new MatchInputError('empty-input', 'cannot train a classifier on no samples');
  const dim = first.embedding.length;
  samples.forEach(({ embedding, personId }, i) => {
    checkEmbedding(embedding, dim, `sample ${i}`);
    if (typeof personId !== 'string' || personId.length === 0) {
      throw new MatchInputError('invalid-id', `sample ${i} has no person id`);
    }
  });
  const classes = [...new Set(samples.map((s) => s.personId))].sort();
  if (classes.length < 2) {
    throw new MatchInputError(
      'too-few-classes',
      `a one-vs-rest classifier needs at least 2 people; the samples hold ${classes.length}`,
    );
  }

  // Group the samples by class (stable within a class) so each class owns a contiguous block.
  const classOf = new Map(classes.map((id, c) => [id, c]));
  const order = samples
    .map((sample, index) => ({ index, c: classOf.get(sample.personId) as number }))
    .sort((a, b) => a.c - b.c || a.index - b.index);
  const n = samples.length;
  const stored = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const classStarts = new Int32Array(classes.length + 1);
  order.forEach(({ index, c }, row) => {
    stored.set((samples[index] as LabelledEmbedding).embedding, row * dim);
    labels[row] = c;
    classStarts[c + 1] = row + 1;
  });

  const { mean, scale, features } = standardise(stored, n, dim);
  const weights = new Float64Array(classes.length * dim);
  const biases = new Float64Array(classes.length);
  const iterations = new Int32Array(classes.length);
  for (let c = 0; c < classes.length; c++) {
    const fit = fitOneVsRest(features, labels, n, dim, c, l2, maxIterations, tolerance);
    weights.set(fit.theta.subarray(0, dim), c * dim);
    biases[c] = fit.theta[dim] as number;
    iterations[c] = fit.iterations;
  }
  return { dim, classes, mean, scale, weights, biases, samples: stored, classStarts, iterations };
}

export function predictLinear(
  model: LinearModel,
  probe: ArrayLike<number>,
  options: LinearPredictOptions = {},
): LinearPrediction {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  const threshold = options.threshold ?? DEFAULT_MATCH_THRESHOLD;
  if (!(minScore >= 0 && minScore <= 1)) {
    throw new MatchInputError('invalid-option', `minScore must be a probability in 0..1, got ${minScore}`);
  }
  checkThreshold(threshold);
  const { dim, classes, mean, scale, weights, biases } = model;
  checkEmbedding(probe, dim, 'probe');
  const x = new Float64Array(dim);
  for (let j = 0; j < dim; j++) x[j] = ((probe[j] as number) - (mean[j] as number)) * scale;

  let best = 0;
  let bestLogit = -Infinity;
  let secondLogit = -Infinity;
  for (let c = 0; c < classes.length; c++) {
    let logit = biases[c] as number;
    for (let j = 0, w = c * dim; j < dim; j++, w++) logit += (weights[w] as number) * (x[j] as number);
    if (logit > bestLogit) {
      secondLogit = bestLogit;
      bestLogit = logit;
      best = c;
    } else if (logit > secondLogit) {
      secondLogit = logit;
    }
  }
  const score = sigmoid(bestLogit);
  const distance = nearestSampleDistance(model, best, probe);
  return {
    personId: score >= minScore && distance <= threshold ? (classes[best] as string) : null,
    candidate: classes[best] as string,
    score,
    margin: score - sigmoid(secondLogit),
    distance,
  };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function nearestSampleDistance(model: LinearModel, c: number, probe: ArrayLike<number>): number {
  const { dim, samples, classStarts } = model;
  let best = Infinity;
  for (let row = classStarts[c] as number; row < (classStarts[c + 1] as number); row++) {
    let squared = 0;
    for (let j = 0; j < dim; j++) {
      const d = (samples[row * dim + j] as number) - (probe[j] as number);
      squared += d * d;
    }
    best = Math.min(best, squared);
  }
  return Math.sqrt(best);
}

/** Centres on the mean and scales to unit RMS norm, so one l2 value suits any descriptor scale. */
function standardise(
  samples: Float32Array,
  n: number,
  dim: number,
): { mean: Float64Array; scale: number; features: Float64Array } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (samples[i * dim + j] as number);
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / n;
  const features = new Float64Array(n * dim);
  let squared = 0;
  for (let i = 0; i < n * dim; i++) {
    const value = (samples[i] as number) - (mean[i % dim] as number);
    features[i] = value;
    squared += value * value;
  }
  const rms = Math.sqrt(squared / n);
  // Identical samples (rms 0) leave nothing to scale; any scale then gives the same model.
  const scale = rms > 0 ? 1 / rms : 1;
  for (let i = 0; i < n * dim; i++) features[i] = (features[i] as number) * scale;
  return { mean, scale, features };
}

/**
 * Minimises Σ ω_i·logloss(y_i, w·x_i + b) + l2/2·|w|² for class `c` against the rest. Returns
 * θ = [w, b] and the iterations used.
 */
function fitOneVsRest(
  features: Float64Array,
  labels: Int32Array,
  n: number,
  dim: number,
  c: number,
  l2: number,
  maxIterations: number,
  tolerance: number,
): { theta: Float64Array; iterations: number } {
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === c) positives++;
  const positiveWeight = 0.5 / positives;
  const negativeWeight = 0.5 / (n - positives);
  let maxSquaredNorm = 0;
  for (let i = 0; i < n; i++) {
    let squared = 1; // the bias feature
    for (let j = 0; j < dim; j++) squared += (features[i * dim + j] as number) ** 2;
    maxSquaredNorm = Math.max(maxSquaredNorm, squared);
  }
  // The logistic loss's curvature is at most 1/4; the sample weights sum to 1.
  const step = 1 / (0.25 * maxSquaredNorm + l2);

  const size = dim + 1;
  const theta = new Float64Array(size);
  const previous = new Float64Array(size);
  const lookahead = new Float64Array(size);
  const gradient = new Float64Array(size);
  let momentum = 1;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    gradientAt(lookahead, gradient, features, labels, n, dim, c, positiveWeight, negativeWeight, l2);
    let largest = 0;
    for (let k = 0; k < size; k++) largest = Math.max(largest, Math.abs(gradient[k] as number));
    if (largest < tolerance) return { theta: lookahead, iterations: iteration };
    previous.set(theta);
    for (let k = 0; k < size; k++) theta[k] = (lookahead[k] as number) - step * (gradient[k] as number);
    // Adaptive restart: drop the momentum when it points uphill (O'Donoghue & Candès, 2015).
    let uphill = 0;
    for (let k = 0; k < size; k++) uphill += (gradient[k] as number) * ((theta[k] as number) - (previous[k] as number));
    const next = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const beta = uphill > 0 ? 0 : (momentum - 1) / next;
    momentum = next;
    for (let k = 0; k < size; k++) {
      lookahead[k] = (theta[k] as number) + beta * ((theta[k] as number) - (previous[k] as number));
    }
  }
  return { theta, iterations: maxIterations };
}

function gradientAt(
  theta: Float64Array,
  gradient: Float64Array,
  features: Float64Array,
  labels: Int32Array,
  n: number,
  dim: number,
  c: number,
  positiveWeight: number,
  negativeWeight: number,
  l2: number,
): void {
  gradient.fill(0);
  const bias = theta[dim] as number;
  for (let i = 0, row = 0; i < n; i++, row += dim) {
    let logit = bias;
    for (let j = 0; j < dim; j++) logit += (theta[j] as number) * (features[row + j] as number);
    const positive = labels[i] === c;
    const residual = (sigmoid(logit) - (positive ? 1 : 0)) * (positive ? positiveWeight : negativeWeight);
    for (let j = 0; j < dim; j++) gradient[j] = (gradient[j] as number) + residual * (features[row + j] as number);
    gradient[dim] = (gradient[dim] as number) + residual;
  }
  for (let j = 0; j < dim; j++) gradient[j] = (gradient[j] as number) + l2 * (theta[j] as number);
}
