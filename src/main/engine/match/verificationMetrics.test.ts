import { describe, expect, it } from 'vitest';
import { thrown } from './matchTestSupport.js';
import { gaussian, seededRandom } from './seededRandom.js';
import {
  accuracyAt,
  bestF1Threshold,
  bestThresholdAccuracy,
  crossValidatedAccuracy,
  distanceHistograms,
  rocAuc,
  tarAtFar,
  type VerificationPair,
} from './verificationMetrics.js';

const pair = (distance: number, same: boolean, fold?: number): VerificationPair =>
  fold === undefined ? { distance, same } : { distance, same, fold };

/** Genuine 0.1 0.2 0.4, impostor 0.3 0.5 0.6. */
const SIX = [pair(0.4, true), pair(0.3, false), pair(0.1, true), pair(0.6, false), pair(0.2, true), pair(0.5, false)];

describe('verification metrics on hand-computed examples', () => {
  it('finds the best accuracy threshold, the smallest of equals, between two distances', () => {
    // Accept <= 0.2 → 2 genuine + 3 impostors right; accept <= 0.4 → 3 + 2: both 5/6.
    expect(bestThresholdAccuracy(SIX)).toEqual({ threshold: 0.25, accuracy: 5 / 6 });
    expect(accuracyAt(SIX, 0.45)).toBe(5 / 6);
    expect(accuracyAt(SIX, 0.35)).toBe(4 / 6);
    // One class only: reject everything (1 below the smallest) or accept everything (the largest).
    expect(bestThresholdAccuracy([pair(0.3, false), pair(0.7, false)])).toEqual({ threshold: -0.7, accuracy: 1 });
    expect(bestThresholdAccuracy([pair(0.3, true), pair(0.7, true)])).toEqual({ threshold: 0.7, accuracy: 1 });
  });

  it('computes ROC AUC as the chance a genuine pair is closer than an impostor, ties half', () => {
    // Genuine 0.1 and 0.2 beat all three impostors, 0.4 beats two: 8 of 9.
    expect(rocAuc(SIX)).toBe(8 / 9);
    expect(rocAuc([pair(0.5, true), pair(0.5, false)])).toBe(0.5);
    expect(rocAuc([pair(0.2, true), pair(0.5, true), pair(0.5, false), pair(0.9, false)])).toBe((2 + 1 + 0.5) / 4);
  });

  it('reads TAR at a target FAR off the empirical ROC without interpolation', () => {
    // No false accept allowed: the largest distance below the closest impostor (0.3) is 0.2.
    expect(tarAtFar(SIX, 1e-3)).toEqual({ threshold: 0.2, tar: 2 / 3, far: 0, falseAccepts: 0, impostorPairs: 3 });
    expect(tarAtFar(SIX, 0.3).threshold).toBe(0.2);
    // One false accept allowed (1/3): everything below the second impostor (0.5).
    expect(tarAtFar(SIX, 1 / 3)).toEqual({ threshold: 0.4, tar: 1, far: 1 / 3, falseAccepts: 1, impostorPairs: 3 });
    // The closest pair is an impostor: nothing can be accepted.
    expect(tarAtFar([pair(0.1, false), pair(0.2, true)], 0)).toEqual({
      threshold: null,
      tar: 0,
      far: 0,
      falseAccepts: 0,
      impostorPairs: 1,
    });
    // 1e-3 of 1000 impostors is one false accept, not zero.
    const thousand = Array.from({ length: 1000 }, (_, i) => pair(1 + i / 1000, false));
    expect(tarAtFar([...thousand, pair(1.0005, true)], 1e-3)).toMatchObject({ threshold: 1.0005, falseAccepts: 1 });
  });

  it('finds the F1-maximising threshold', () => {
    // Accept <= 0.4: TP 3, FP 1, FN 0 → F1 6/7 (accept <= 0.2 gives 4/5).
    expect(bestF1Threshold(SIX)).toEqual({ threshold: 0.45, f1: 6 / 7, precision: 3 / 4, recall: 1 });
  });

  it('cross-validates: threshold from the other folds, accuracy on the held-out one', () => {
    // Dealt round-robin per class: fold 0 = genuine 0.1 0.2, impostor 0.4 0.35;
    // fold 1 = genuine 0.5 0.25, impostor 0.6 0.9.
    const pairs = [
      pair(0.1, true),
      pair(0.5, true),
      pair(0.2, true),
      pair(0.25, true),
      pair(0.4, false),
      pair(0.6, false),
      pair(0.35, false),
      pair(0.9, false),
    ];
    const cv = crossValidatedAccuracy(pairs, 2);
    // Fold 0 is tested at 0.55 (learnt on fold 1): both genuine and both impostors accepted → 1/2.
    // Fold 1 is tested at 0.275 (learnt on fold 0): 0.25, 0.6 and 0.9 right, 0.5 wrong → 3/4.
    expect(cv.folds).toEqual([
      { fold: 0, threshold: 0.55, accuracy: 0.5, pairs: 4 },
      { fold: 1, threshold: 0.275, accuracy: 0.75, pairs: 4 },
    ]);
    expect(cv.mean).toBe(0.625);
    expect(cv.std).toBeCloseTo(Math.SQRT2 * 0.125, 15);
    expect(cv.standardError).toBeCloseTo(0.125, 15);
  });

  it('uses the folds the pairs name, such as the official LFW sets', () => {
    const pairs = [pair(0.1, true, 0), pair(0.3, false, 0), pair(0.2, true, 1), pair(0.25, false, 1)];
    const cv = crossValidatedAccuracy(pairs, 2);
    // Fold 0 at 0.225 (from fold 1): 0.1 accepted, 0.3 rejected → 1. Fold 1 at 0.2: both right → 1.
    expect(cv.folds.map((f) => [f.threshold, f.accuracy])).toEqual([
      [0.225, 1],
      [0.2, 1],
    ]);
    expect(cv.std).toBe(0);
  });

  it('bins genuine and impostor distances on shared edges', () => {
    const histograms = distanceHistograms(SIX, { bins: 5, min: 0, max: 1 });
    expect(histograms.edges).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(histograms.genuine).toEqual([1, 1, 1, 0, 0]);
    expect(histograms.impostor).toEqual([0, 1, 1, 1, 0]);
    expect(distanceHistograms(SIX, { bins: 2, min: 0.15, max: 0.45 })).toMatchObject({
      genuine: [1, 1],
      impostor: [0, 1],
      outOfRange: 3,
    });
    // Default range: the data's own; the largest distance lands in the last bin.
    expect(distanceHistograms(SIX, { bins: 5 }).impostor).toEqual([0, 0, 1, 0, 2]);
  });

  it('refuses empty, non-finite and one-sided input with a specific message', () => {
    expect(thrown(() => rocAuc([])).message).toBe('no verification pairs to evaluate');
    expect(thrown(() => bestThresholdAccuracy([pair(Number.NaN, true)])).message).toBe(
      'pair 0 has distance NaN; distances must be finite',
    );
    expect(thrown(() => rocAuc([pair(0.2, true)])).message).toBe(
      'needs both genuine and impostor pairs; got 1 genuine and 0 impostor',
    );
    expect(thrown(() => crossValidatedAccuracy(SIX, 10)).message).toBe(
      'fold 3 holds 0 of the 6 pairs; every fold needs some and must leave some',
    );
    expect(thrown(() => crossValidatedAccuracy([pair(0.1, true, 0), pair(0.2, false)], 2)).message).toBe(
      '1 of 2 pairs name a fold; give every pair a fold or none',
    );
    expect(thrown(() => tarAtFar(SIX, 2)).message).toBe('targetFar must be a rate in 0..1, got 2');
  });
});

describe('verification metrics on a large synthetic set', () => {
  // Genuine distances ~ N(0.4, 0.1), impostors ~ N(0.9, 0.1): 3,000 of each, as in LFW View 2.
  const random = seededRandom(2024);
  const pairs: VerificationPair[] = [];
  for (let i = 0; i < 3000; i++) pairs.push(pair(0.4 + 0.1 * gaussian(random), true));
  for (let i = 0; i < 3000; i++) pairs.push(pair(0.9 + 0.1 * gaussian(random), false));
  const genuine = pairs.filter((p) => p.same).map((p) => p.distance);
  const impostor = pairs.filter((p) => !p.same).map((p) => p.distance);

  it('agrees with brute force and with the normal model', () => {
    let wins = 0;
    for (const g of genuine) for (const i of impostor) wins += g < i ? 1 : g === i ? 0.5 : 0;
    const auc = rocAuc(pairs);
    expect(auc).toBe(wins / (3000 * 3000));
    // Φ(0.5 / (0.1·√2)) = 0.99980.
    expect(auc).toBeCloseTo(0.9998, 3);

    const best = bestThresholdAccuracy(pairs);
    const bruteBest = Math.max(...pairs.map((p) => accuracyAt(pairs, p.distance)));
    expect(best.accuracy).toBe(bruteBest);
    expect(accuracyAt(pairs, best.threshold)).toBe(best.accuracy);
    // Φ(2.5) = 0.9938 at the midpoint 0.65.
    expect(best.accuracy).toBeCloseTo(0.9938, 2);
    expect(best.threshold).toBeCloseTo(0.65, 1);
  });

  it('cross-validates to just below the optimistic in-sample accuracy', () => {
    const cv = crossValidatedAccuracy(pairs);
    expect(cv.folds).toHaveLength(10);
    expect(cv.folds.every((f) => f.pairs === 600)).toBe(true);
    const inSample = bestThresholdAccuracy(pairs).accuracy;
    expect(cv.mean).toBeLessThanOrEqual(inSample);
    expect(cv.mean).toBeGreaterThan(inSample - 0.005);
    expect(cv.std).toBeGreaterThan(0);
    expect(cv.std).toBeLessThan(0.01);
  });

  it('finds TAR at FAR=1e-3 where the impostor tail allows three false accepts', () => {
    const point = tarAtFar(pairs, 1e-3);
    expect(point.falseAccepts).toBe(3);
    expect(point.far).toBe(0.001);
    // Brute force: the best TAR over every pair distance whose FAR is within 1e-3.
    let bruteTar = 0;
    for (const t of pairs.map((p) => p.distance)) {
      const far = impostor.filter((d) => d <= t).length / 3000;
      if (far <= 1e-3) bruteTar = Math.max(bruteTar, genuine.filter((d) => d <= t).length / 3000);
    }
    expect(point.tar).toBe(bruteTar);
    // Normal model: impostor 0.1% quantile 0.9 - 3.09·0.1 = 0.591 → TAR Φ(1.91) = 0.972.
    expect(point.tar).toBeCloseTo(0.972, 1);
    expect(point.threshold).toBeCloseTo(0.59, 1);
    const f1 = bestF1Threshold(pairs);
    expect(f1.f1).toBeGreaterThan(0.99);
    expect(f1.threshold).toBeCloseTo(0.65, 1);
  });
});
