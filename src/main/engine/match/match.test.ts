import { describe, expect, it } from 'vitest';
import { Gallery } from './gallery.js';
import { euclideanDistance, knnVote, nearest, type SearchStrategy, type TemplateMatch } from './match.js';
import { thrown } from './matchTestSupport.js';
import { gaussian, randomUnitVector, seededRandom, type Random } from './seededRandom.js';

interface Template {
  readonly templateId: string;
  readonly personId: string;
  readonly embedding: Float32Array;
}

const STRATEGIES: SearchStrategy[] = ['exact', 'quantised'];

/** The obvious O(n) reference: every distance, sorted. */
function naiveMatches(templates: readonly Template[], probe: Float32Array): TemplateMatch[] {
  return templates
    .map(({ templateId, personId, embedding }) => ({
      templateId,
      personId,
      distance: euclideanDistance(embedding, probe),
    }))
    .sort(
      (a, b) =>
        a.distance - b.distance ||
        (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0) ||
        (a.templateId < b.templateId ? -1 : 1),
    );
}

function naiveNearestPeople(templates: readonly Template[], probe: Float32Array, topK: number): TemplateMatch[] {
  const seen = new Set<string>();
  return naiveMatches(templates, probe)
    .filter((match) => !seen.has(match.personId) && seen.add(match.personId))
    .slice(0, topK);
}

function expectSameMatches(actual: readonly TemplateMatch[], expected: readonly TemplateMatch[]): void {
  expect(actual.map((m) => `${m.personId}/${m.templateId}`)).toEqual(
    expected.map((m) => `${m.personId}/${m.templateId}`),
  );
  actual.forEach((match, i) => expect(match.distance).toBeCloseTo(expected[i]?.distance ?? NaN, 12));
}

/** People as random centres on the unit sphere, their templates scattered around them. */
function clusteredTemplates(random: Random, people: number, perPerson: number, spread: number, dim = 128): Template[] {
  const templates: Template[] = [];
  for (let p = 0; p < people; p++) {
    const centre = randomUnitVector(random, dim);
    for (let t = 0; t < perPerson; t++) {
      templates.push({ templateId: `p${p}-t${t}`, personId: `p${p}`, embedding: jitter(random, centre, spread) });
    }
  }
  return templates;
}

function jitter(random: Random, centre: Float32Array, spread: number): Float32Array {
  return centre.map((value) => value + (spread / Math.sqrt(centre.length)) * gaussian(random));
}

function galleryOf(templates: readonly Template[], dim = 128): Gallery {
  const gallery = new Gallery({ dim });
  for (const { templateId, personId, embedding } of templates) gallery.add(templateId, personId, embedding);
  return gallery;
}

describe('nearest', () => {
  it.each(STRATEGIES)('returns exactly the naive top-k people on random data (%s)', (strategy) => {
    const random = seededRandom(42);
    const templates: Template[] = [];
    for (let i = 0; i < 5000; i++) {
      templates.push({ templateId: `t${i}`, personId: `p${i % 997}`, embedding: randomUnitVector(random, 128) });
    }
    const gallery = galleryOf(templates);
    for (let q = 0; q < 20; q++) {
      // Half the probes are near a template, as real probes are; half are anywhere.
      const probe =
        q % 2 ? randomUnitVector(random, 128) : jitter(random, templates[q * 211]?.embedding ?? probeOf(), 0.3);
      const result = nearest(gallery, probe, { topK: 10, strategy });
      expectSameMatches(result.candidates, naiveNearestPeople(templates, probe, 10));
    }
  });

  it.each(STRATEGIES)('finds the same people as the naive search on clustered data (%s)', (strategy) => {
    const random = seededRandom(7);
    const templates = clusteredTemplates(random, 400, 6, 0.35);
    const gallery = galleryOf(templates);
    let recognised = 0;
    for (let q = 0; q < 40; q++) {
      const source = templates[q * 59] as Template;
      const probe = jitter(random, source.embedding, 0.35);
      const result = nearest(gallery, probe, { topK: 5, strategy });
      expectSameMatches(result.candidates, naiveNearestPeople(templates, probe, 5));
      if (result.personId === source.personId) recognised++;
    }
    expect(recognised).toBe(40);
  });

  it('handles dimensions that are not a multiple of 8 and exact duplicates in both strategies', () => {
    const random = seededRandom(3);
    const templates: Template[] = [];
    for (let i = 0; i < 300; i++) {
      const embedding = randomUnitVector(random, 13);
      templates.push({ templateId: `a${i}`, personId: `p${i % 50}`, embedding });
      // The same descriptor enrolled again for another person: a tie the id must break.
      if (i % 10 === 0) templates.push({ templateId: `b${i}`, personId: `q${i}`, embedding });
    }
    const gallery = galleryOf(templates, 13);
    for (let q = 0; q < 30; q++) {
      const probe = q % 3 === 0 ? (templates[q * 7]?.embedding ?? probeOf(13)) : randomUnitVector(random, 13);
      const expected = naiveNearestPeople(templates, probe, 8);
      for (const strategy of STRATEGIES)
        expectSameMatches(nearest(gallery, probe, { topK: 8, strategy }).candidates, expected);
    }
  });

  it.each([1e20, 1e-30])('stays exact for descriptors scaled by %s (float32 overflow and underflow)', (scale) => {
    const random = seededRandom(31);
    const templates = Array.from({ length: 400 }, (_, i) => ({
      templateId: `t${i}`,
      personId: `p${i % 80}`,
      embedding: randomUnitVector(random, 128).map((v) => v * scale),
    }));
    const gallery = galleryOf(templates);
    for (let q = 0; q < 10; q++) {
      const probe = randomUnitVector(random, 128).map((v) => v * scale);
      const expected = naiveNearestPeople(templates, probe, 4);
      for (const strategy of STRATEGIES) {
        const result = nearest(gallery, probe, { topK: 4, strategy });
        expect(result.candidates.map((m) => m.templateId)).toEqual(expected.map((m) => m.templateId));
        result.candidates.forEach((m, i) =>
          expect(m.distance / scale).toBeCloseTo((expected[i]?.distance ?? 0) / scale, 9),
        );
      }
    }
  });

  it('reports each person once, with their closest template', () => {
    const gallery = new Gallery({ dim: 2 });
    gallery.add('alice-far', 'alice', [0.5, 0]);
    gallery.add('alice-near', 'alice', [0.1, 0]);
    gallery.add('alice-mid', 'alice', [0.3, 0]);
    gallery.add('bob-1', 'bob', [0, 0.2]);
    gallery.add('carol-1', 'carol', [0, -0.4]);
    const result = nearest(gallery, [0, 0], { topK: 3 });
    expect(result.candidates).toEqual([
      { templateId: 'alice-near', personId: 'alice', distance: Math.fround(0.1) },
      { templateId: 'bob-1', personId: 'bob', distance: Math.fround(0.2) },
      { templateId: 'carol-1', personId: 'carol', distance: Math.fround(0.4) },
    ]);
    expect(result.personId).toBe('alice');
    expect(result.templateId).toBe('alice-near');
    expect(result.runnerUpDistance).toBe(Math.fround(0.2));
    expect(result.margin).toBeCloseTo(0.1, 7);
  });

  it('answers unknown above the threshold but still reports the closest template', () => {
    const gallery = new Gallery({ dim: 2 });
    gallery.add('a', 'alice', [0.75, 0]);
    gallery.add('b', 'bob', [0, 1]);
    const far = nearest(gallery, [0, 0]);
    expect(far.personId).toBeNull();
    expect(far.templateId).toBe('a');
    expect(far.distance).toBe(0.75);
    expect(far.margin).toBe(0.25);
    expect(nearest(gallery, [0, 0], { threshold: 0.75 }).personId).toBe('alice');
    expect(nearest(gallery, [0, 0], { threshold: 0.7499 }).personId).toBeNull();
  });

  it('returns no decision for an empty gallery', () => {
    expect(nearest(new Gallery(), new Float32Array(128))).toEqual({
      personId: null,
      templateId: null,
      distance: null,
      runnerUpDistance: null,
      margin: null,
      candidates: [],
    });
  });

  it('gives after any sequence of adds and removals the result of a gallery rebuilt from scratch', () => {
    const random = seededRandom(99);
    const live = new Map<string, Template>();
    const gallery = new Gallery({ initialCapacity: 0 });
    let next = 0;
    for (let step = 0; step < 6000; step++) {
      const roll = random();
      if (roll < 0.7 || live.size === 0) {
        const template = {
          templateId: `t${next}`,
          personId: `p${next % 150}`,
          embedding: randomUnitVector(random, 128),
        };
        next++;
        live.set(template.templateId, template);
        gallery.add(template.templateId, template.personId, template.embedding);
      } else if (roll < 0.97) {
        const ids = [...live.keys()];
        const victim = ids[Math.floor(random() * ids.length)] as string;
        expect(gallery.removeTemplate(victim)).toBe(true);
        live.delete(victim);
      } else {
        const personId = `p${Math.floor(random() * 150)}`;
        const theirs = [...live.values()].filter((t) => t.personId === personId);
        expect(gallery.removePerson(personId)).toBe(theirs.length);
        for (const t of theirs) live.delete(t.templateId);
      }
    }
    // Rebuilt in a different order, so every row sits elsewhere.
    const rebuilt = galleryOf([...live.values()].reverse());
    expect(gallery.size).toBe(live.size);
    expect(gallery.size).toBe(1460);
    expect(gallery.personIds()).toEqual(rebuilt.personIds());
    for (let q = 0; q < 15; q++) {
      const probe = randomUnitVector(random, 128);
      for (const strategy of STRATEGIES) {
        const incremental = nearest(gallery, probe, { topK: 7, strategy });
        expect(incremental).toEqual(nearest(rebuilt, probe, { topK: 7, strategy }));
        expectSameMatches(incremental.candidates, naiveNearestPeople([...live.values()], probe, 7));
        expect(knnVote(gallery, probe, { k: 9, strategy })).toEqual(knnVote(rebuilt, probe, { k: 9, strategy }));
      }
    }
  });

  it('refuses a probe of the wrong dimension, a NaN probe and bad options', () => {
    const gallery = new Gallery();
    gallery.add('t', 'alice', new Float32Array(128));
    const short = thrown(() => nearest(gallery, new Float32Array(64)));
    expect(short.code).toBe('wrong-dimension');
    expect(short.message).toBe('probe has 64 values; expected a 128-d face descriptor');
    const probe = new Float32Array(128);
    probe[5] = Number.NaN;
    const nan = thrown(() => nearest(gallery, probe));
    expect(nan.code).toBe('non-finite');
    expect(nan.message).toBe('probe value 5 is NaN; face descriptors must be finite float32 numbers');
    expect(thrown(() => nearest(gallery, probeOf(), { topK: 0 })).message).toBe('topK must be an integer >= 1, got 0');
    expect(thrown(() => nearest(gallery, probeOf(), { threshold: -1 })).message).toBe(
      'threshold must be a non-negative distance, got -1',
    );
    expect(thrown(() => knnVote(gallery, probeOf(), { k: 2.5 })).message).toBe('k must be an integer >= 1, got 2.5');
  });
});

describe('knnVote', () => {
  it.each(STRATEGIES)('returns the naive k nearest templates (%s)', (strategy) => {
    const random = seededRandom(5);
    const templates = clusteredTemplates(random, 300, 5, 0.5);
    const gallery = galleryOf(templates);
    for (let q = 0; q < 20; q++) {
      const probe = jitter(random, templates[q * 71]?.embedding ?? probeOf(), 0.5);
      const result = knnVote(gallery, probe, { k: 12, strategy });
      expectSameMatches(result.neighbours, naiveMatches(templates, probe).slice(0, 12));
    }
  });

  it('identifies people of a clustered data set and rejects strangers', () => {
    const random = seededRandom(11);
    const people = 60;
    const centres = Array.from({ length: people + 20 }, () => randomUnitVector(random, 128));
    const gallery = new Gallery();
    centres.slice(0, people).forEach((centre, p) => {
      for (let t = 0; t < 5; t++) gallery.add(`p${p}-t${t}`, `p${p}`, jitter(random, centre, 0.3));
    });
    let correct = 0;
    let majorityCorrect = 0;
    for (let p = 0; p < people; p++) {
      const probe = jitter(random, centres[p] as Float32Array, 0.3);
      const vote = knnVote(gallery, probe, { k: 5 });
      if (vote.personId === `p${p}`) correct++;
      if (knnVote(gallery, probe, { k: 5, weighting: 'majority' }).personId === `p${p}`) majorityCorrect++;
    }
    expect(correct).toBe(people);
    expect(majorityCorrect).toBe(people);
    let strangersRejected = 0;
    for (const centre of centres.slice(people)) {
      if (knnVote(gallery, jitter(random, centre, 0.3), { k: 5 }).personId === null) strangersRejected++;
    }
    expect(strangersRejected).toBe(20);
  });

  it('weights votes by inverse distance, or counts them under majority', () => {
    const gallery = new Gallery({ dim: 1 });
    gallery.add('a1', 'alice', [0.1]);
    gallery.add('b1', 'bob', [0.4]);
    gallery.add('b2', 'bob', [-0.45]);
    const weighted = knnVote(gallery, [0], { k: 3 });
    // alice: 1/0.1 = 10; bob: 1/0.4 + 1/0.45 = 4.72
    expect(weighted.personId).toBe('alice');
    expect(weighted.votes.map((v) => [v.personId, v.count])).toEqual([
      ['alice', 1],
      ['bob', 2],
    ]);
    expect(weighted.votes[0]?.weight).toBeCloseTo(1 / Math.fround(0.1), 6);
    expect(weighted.votes[1]?.weight).toBeCloseTo(1 / Math.fround(0.4) + 1 / Math.fround(0.45), 6);
    const majority = knnVote(gallery, [0], { k: 3, weighting: 'majority' });
    expect(majority.personId).toBe('bob');
    expect(majority.distance).toBe(Math.fround(0.4));
    expect(knnVote(gallery, [0], { k: 3, weighting: 'majority', threshold: 0.3 }).personId).toBeNull();
  });
});

function probeOf(dim = 128): Float32Array {
  return new Float32Array(dim).fill(0.05);
}
