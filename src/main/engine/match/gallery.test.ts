import { describe, expect, it } from 'vitest';
import { Gallery } from './gallery.js';
import { thrown } from './matchTestSupport.js';
import { randomUnitVector, seededRandom } from './seededRandom.js';

describe('Gallery', () => {
  it('stores templates in rows and reports people and counts', () => {
    const gallery = new Gallery({ dim: 4 });
    gallery.add('t1', 'alice', [1, 0, 0, 0]);
    gallery.add('t2', 'bob', [0, 1, 0, 0]);
    gallery.add('t3', 'alice', [0, 0, 1, 0]);
    expect(gallery.size).toBe(3);
    expect(gallery.personCount).toBe(2);
    expect(gallery.personIds()).toEqual(['alice', 'bob']);
    expect(gallery.templateCount('alice')).toBe(2);
    expect(gallery.templateCount('carol')).toBe(0);
    expect([...(gallery.embeddingOf('t3') ?? [])]).toEqual([0, 0, 1, 0]);
    expect(gallery.embeddingOf('nope')).toBeUndefined();
    const rows = gallery.rows();
    expect([...rows.vectors.subarray(0, 12)]).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(rows.templateIds).toEqual(['t1', 't2', 't3']);
  });

  it('grows geometrically from zero capacity and keeps every embedding', () => {
    const random = seededRandom(1);
    const gallery = new Gallery({ initialCapacity: 0 });
    const added = new Map<string, Float32Array>();
    const capacities = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const embedding = randomUnitVector(random, 128);
      gallery.add(`t${i}`, `p${i % 37}`, embedding);
      added.set(`t${i}`, embedding);
      capacities.add(gallery.rows().vectors.length / 128);
    }
    // 16, 32, ... 1024: seven allocations for a thousand adds.
    expect([...capacities]).toEqual([16, 32, 64, 128, 256, 512, 1024]);
    for (const [id, embedding] of added) expect(gallery.embeddingOf(id)).toEqual(embedding);
  });

  it('removes a template by moving the last row into its place', () => {
    const gallery = new Gallery({ dim: 2 });
    gallery.add('a1', 'alice', [1, 1]);
    gallery.add('b1', 'bob', [2, 2]);
    gallery.add('c1', 'carol', [3, 3]);
    expect(gallery.removeTemplate('a1')).toBe(true);
    expect(gallery.removeTemplate('a1')).toBe(false);
    expect(gallery.rows().templateIds).toEqual(['c1', 'b1']);
    expect([...gallery.rows().vectors.subarray(0, 4)]).toEqual([3, 3, 2, 2]);
    expect(gallery.personIds()).toEqual(['bob', 'carol']);
    expect([...(gallery.embeddingOf('c1') ?? [])]).toEqual([3, 3]);
  });

  it('removes every template of a person and reuses the freed person slot', () => {
    const gallery = new Gallery({ dim: 2 });
    for (let i = 0; i < 10; i++) gallery.add(`t${i}`, i % 3 === 0 ? 'alice' : 'bob', [i, -i]);
    expect(gallery.removePerson('alice')).toBe(4);
    expect(gallery.removePerson('alice')).toBe(0);
    expect(gallery.size).toBe(6);
    expect(gallery.personIds()).toEqual(['bob']);
    for (const id of ['t0', 't3', 't6', 't9']) expect(gallery.hasTemplate(id)).toBe(false);
    for (const i of [1, 2, 4, 5, 7, 8]) expect([...(gallery.embeddingOf(`t${i}`) ?? [])]).toEqual([i, -i]);
    gallery.add('d1', 'dave', [5, 5]);
    const rows = gallery.rows();
    expect(rows.slotPersonIds[rows.personSlots[rows.templateIds.indexOf('d1')] as number]).toBe('dave');
    expect(rows.slotPersonIds.length).toBe(2);
  });

  it('refuses an embedding of the wrong dimension and leaves the gallery unchanged', () => {
    const gallery = new Gallery();
    gallery.add('t1', 'alice', new Float32Array(128).fill(0.1));
    const error = thrown(() => gallery.add('t2', 'bob', new Float32Array(127)));
    expect(error.code).toBe('wrong-dimension');
    expect(error.message).toBe('embedding for template "t2" has 127 values; expected a 128-d face descriptor');
    expect(gallery.size).toBe(1);
    expect(gallery.hasTemplate('t2')).toBe(false);
    expect(gallery.personIds()).toEqual(['alice']);
  });

  it('refuses NaN, Infinity and values that overflow float32', () => {
    const gallery = new Gallery({ dim: 3 });
    const nan = thrown(() => gallery.add('t1', 'alice', [0, Number.NaN, 0]));
    expect(nan.code).toBe('non-finite');
    expect(nan.message).toBe(
      'embedding for template "t1" value 1 is NaN; face descriptors must be finite float32 numbers',
    );
    expect(thrown(() => gallery.add('t1', 'alice', [0, 0, -Infinity])).message).toContain('value 2 is -Infinity');
    expect(thrown(() => gallery.add('t1', 'alice', [1e39, 0, 0])).message).toContain('value 0 is 1e+39');
    expect(gallery.size).toBe(0);
    expect(gallery.personCount).toBe(0);
  });

  it('refuses a duplicate template id and empty ids', () => {
    const gallery = new Gallery({ dim: 2 });
    gallery.add('t1', 'alice', [0, 1]);
    const duplicate = thrown(() => gallery.add('t1', 'bob', [1, 0]));
    expect(duplicate.code).toBe('duplicate-template');
    expect(duplicate.message).toBe('template "t1" is already in the gallery');
    expect(thrown(() => gallery.add('', 'bob', [1, 0])).message).toBe('templateId must be a non-empty string, got ""');
    expect(thrown(() => gallery.add('t2', '', [1, 0])).code).toBe('invalid-id');
    expect(gallery.embeddingOf('t1')).toEqual(new Float32Array([0, 1]));
    expect(gallery.personIds()).toEqual(['alice']);
  });

  it('refuses to grow past what memory can hold and keeps its templates', () => {
    const gallery = new Gallery({ dim: 65536, initialCapacity: 1 });
    gallery.add('t1', 'alice', new Float32Array(65536).fill(0.01));
    const full = thrown(() => gallery.reserve(70_000));
    expect(full.code).toBe('gallery-full');
    expect(full.message).toBe(
      'cannot hold 70000 templates of 65536 values (Invalid typed array length: 4587520000); the gallery keeps its 1',
    );
    expect(gallery.size).toBe(1);
    expect(gallery.embeddingOf('t1')?.[65535]).toBe(Math.fround(0.01));
  });

  it('refuses a nonsensical dimension or capacity', () => {
    expect(thrown(() => new Gallery({ dim: 0 })).message).toBe('dim must be an integer in 1..65536, got 0');
    expect(thrown(() => new Gallery({ initialCapacity: 1.5 })).message).toBe(
      'initialCapacity must be an integer >= 0, got 1.5',
    );
  });
});
