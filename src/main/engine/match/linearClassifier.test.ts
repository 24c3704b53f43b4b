import { describe, expect, it } from 'vitest';
import { Gallery } from './gallery.js';
import { predictLinear, trainLinearClassifier, type LabelledEmbedding } from './linearClassifier.js';
import { nearest } from './match.js';
import { thrown } from './matchTestSupport.js';
import { gaussian, randomUnitVector, seededRandom, type Random } from './seededRandom.js';

/**
 * People whose photos vary in ways every face shares (pose, light): 6 common "nuisance"
 * directions with 0.2 spread each on top of a 0.4-radius identity and 0.15 of isotropic noise.
 * Nearest-neighbour search is misled by the shared variation; a linear model learns to ignore it.
 */
function posedPeople(random: Random, people: number) {
  const dim = 128;
  const nuisance = Array.from({ length: 6 }, () => randomUnitVector(random, dim));
  const centres = Array.from({ length: people }, () => randomUnitVector(random, dim).map((v) => v * 0.4));
  const photo = (person: number): Float32Array => {
    const centre = centres[person] as Float32Array;
    const embedding = centre.map((v) => v + (0.15 / Math.sqrt(dim)) * gaussian(random));
    for (const direction of nuisance) {
      const amount = 0.2 * gaussian(random);
      for (let j = 0; j < dim; j++) embedding[j] = (embedding[j] as number) + amount * (direction[j] as number);
    }
    return embedding;
  };
  return { photo };
}

describe('linear classifier', () => {
  it('beats nearest-neighbour on people with shared pose variation, and rejects strangers', () => {
    const random = seededRandom(5);
    const enrolled = 40;
    const { photo } = posedPeople(random, enrolled + 20);
    const samples: LabelledEmbedding[] = [];
    const gallery = new Gallery();
    for (let p = 0; p < enrolled; p++) {
      for (let t = 0; t < 5; t++) {
        const embedding = photo(p);
        samples.push({ embedding, personId: `p${p}` });
        gallery.add(`p${p}-${t}`, `p${p}`, embedding);
      }
    }
    const model = trainLinearClassifier(samples);
    expect(Math.max(...model.iterations)).toBeLessThan(1000);

    let linearTop = 0;
    let linearDecided = 0;
    let nearestTop = 0;
    for (let p = 0; p < enrolled; p++) {
      for (let k = 0; k < 5; k++) {
        const probe = photo(p);
        const prediction = predictLinear(model, probe);
        if (prediction.candidate === `p${p}`) linearTop++;
        if (prediction.personId === `p${p}`) linearDecided++;
        if (nearest(gallery, probe).candidates[0]?.personId === `p${p}`) nearestTop++;
      }
    }
    expect(linearTop).toBe(200);
    expect(nearestTop).toBe(160);
    // The distance gate (0.6 to one of the person's photos) turns away a quarter of the
    // genuine probes here: their pose is further from every enrolment photo.
    expect(linearDecided).toBe(151);

    let linearRejected = 0;
    let nearestRejected = 0;
    for (let p = enrolled; p < enrolled + 20; p++) {
      const probe = photo(p);
      if (predictLinear(model, probe).personId === null) linearRejected++;
      if (nearest(gallery, probe).personId === null) nearestRejected++;
    }
    expect(linearRejected).toBe(20);
    expect(nearestRejected).toBe(15);
  });

  it('is deterministic: the same samples give the same model, bit for bit', () => {
    const random = seededRandom(8);
    const samples = Array.from({ length: 60 }, (_, i) => ({
      embedding: randomUnitVector(random, 32),
      personId: `p${i % 6}`,
    }));
    const a = trainLinearClassifier(samples, { maxIterations: 50 });
    const b = trainLinearClassifier(samples, { maxIterations: 50 });
    expect(b.weights).toEqual(a.weights);
    expect(b.biases).toEqual(a.biases);
    expect(a.classes).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect([...a.classStarts]).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });

  it('rejects a face between people by score and a far-away face by distance', () => {
    const samples: LabelledEmbedding[] = [];
    const centres: Record<string, [number, number]> = { alice: [0, 0], bob: [0.5, 0], carol: [0, 0.5] };
    const offsets = [
      [0.02, 0.01],
      [-0.01, 0.02],
      [0.01, -0.02],
      [-0.02, -0.01],
    ];
    for (const [personId, [x, y]] of Object.entries(centres)) {
      for (const [dx, dy] of offsets) samples.push({ personId, embedding: [x + (dx ?? 0), y + (dy ?? 0)] });
    }
    const model = trainLinearClassifier(samples);
    const alice = predictLinear(model, [0.01, 0.0]);
    expect(alice.personId).toBe('alice');
    expect(alice.score).toBeGreaterThan(0.9);
    expect(alice.distance).toBeCloseTo(Math.hypot(0.01, 0.01), 6);

    // Nearest-neighbour would accept this face as alice (0.28 < 0.6); no class claims it.
    const between = predictLinear(model, [0.2, 0.2]);
    expect(between.personId).toBeNull();
    expect(between.score).toBeCloseTo(0.216, 3);
    expect(between.distance).toBeCloseTo(0.338, 3);

    const far = predictLinear(model, [3, -0.2]);
    expect(far.candidate).toBe('bob');
    expect(far.score).toBeGreaterThan(0.999);
    expect(far.distance).toBeCloseTo(2.489, 3);
    expect(far.personId).toBeNull();
    expect(predictLinear(model, [3, -0.2], { threshold: 3 }).personId).toBe('bob');
  });

  it('refuses unusable training sets and probes with a specific message', () => {
    expect(thrown(() => trainLinearClassifier([])).message).toBe('cannot train a classifier on no samples');
    const one = thrown(() => trainLinearClassifier([{ embedding: [1, 2], personId: 'a' }]));
    expect(one.code).toBe('too-few-classes');
    expect(one.message).toBe('a one-vs-rest classifier needs at least 2 people; the samples hold 1');
    const ragged = thrown(() =>
      trainLinearClassifier([
        { embedding: [1, 2], personId: 'a' },
        { embedding: [1, 2, 3], personId: 'b' },
      ]),
    );
    expect(ragged.message).toBe('sample 1 has 3 values; expected a 2-d face descriptor');
    const nan = thrown(() =>
      trainLinearClassifier([
        { embedding: [1, 2], personId: 'a' },
        { embedding: [Number.NaN, 2], personId: 'b' },
      ]),
    );
    expect(nan.message).toBe('sample 1 value 0 is NaN; face descriptors must be finite float32 numbers');
    const samples = [
      { embedding: [1, 2], personId: 'a' },
      { embedding: [2, 1], personId: 'b' },
    ];
    expect(thrown(() => trainLinearClassifier(samples, { l2: 0 })).message).toBe('l2 must be a positive number, got 0');
    const model = trainLinearClassifier(samples);
    expect(thrown(() => predictLinear(model, [1])).message).toBe('probe has 1 values; expected a 2-d face descriptor');
    expect(thrown(() => predictLinear(model, [1, 1], { minScore: 2 })).message).toBe(
      'minScore must be a probability in 0..1, got 2',
    );
  });
});
