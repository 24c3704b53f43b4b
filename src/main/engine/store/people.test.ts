import { describe, expect, it } from 'vitest';
import { testEmbedding, useTempStores } from './testStore.js';

const now = new Date('2025-03-14T09:00:00.000Z');
const template = (seed: number) => ({
  embedding: testEmbedding(seed),
  modelId: 'faceRecognition@abc',
  source: 'camera',
});

describe('people', () => {
  const temp = useTempStores();
  const open = () => temp.open({ actor: 'test', now: () => now });

  it('adds a person with a tidied name and an optional employee code', () => {
    const store = open();
    const ada = store.people.add({ name: '  Ada   Lovelace ', employeeCode: ' E-1 ' });
    expect(ada).toEqual({ id: 1, name: 'Ada Lovelace', employeeCode: 'E-1', active: true, createdAt: now });
    expect(store.people.add({ name: 'Grace Hopper', employeeCode: '  ' }).employeeCode).toBeNull();
    expect(store.people.add({ name: 'Alan Turing' }).employeeCode).toBeNull();
    expect(store.people.findByName('ADA LOVELACE')).toEqual(ada);
    expect(store.people.findByName('Nobody')).toBeUndefined();
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({
      actor: 'test',
      action: 'person.add',
      at: now,
      details: { personId: 3, name: 'Alan Turing', employeeCode: null },
    });
  });

  it('keeps active names unique ignoring case, spacing and Unicode form', () => {
    const store = open();
    store.people.add({ name: 'Ada Lovelace' });
    store.people.add({ name: 'Émile Zola' });
    // Message: 'an active person is already called "Ada Lovelace" (person 1); names must differ, … (you gave "ada lovelace")'
    expect(() => store.people.add({ name: 'ada  LOVELACE' })).toThrow(
      'an active person is already called "Ada Lovelace" (person 1); names must differ, ignoring case and spacing (you gave "ada LOVELACE")',
    );
    // The same name typed with a combining accent (NFD) is the same name.
    expect(() => store.people.add({ name: 'e\u0301mile zola' })).toThrow(/already called "Émile Zola" \(person 2\)/);
    expect(store.people.list().map((p) => p.name)).toEqual(['Ada Lovelace', 'Émile Zola']);
  });

  it('keeps employee codes unique, removed people included', () => {
    const store = open();
    const ada = store.people.add({ name: 'Ada', employeeCode: 'E-1' });
    expect(() => store.people.add({ name: 'Grace', employeeCode: 'E-1' })).toThrow(
      'employee code E-1 already belongs to "Ada" (person 1)',
    );
    store.attendance.record({ personId: ada.id, occurredAt: now, kind: 'in', distance: 0.3, source: 'kiosk' });
    store.people.remove(ada.id);
    expect(() => store.people.add({ name: 'Ada', employeeCode: 'E-1' })).toThrow(
      'employee code E-1 already belongs to "Ada" (person 1), who was removed: restore them instead',
    );
  });

  it('renames, allowing a change of case but not a clash', () => {
    const store = open();
    const ada = store.people.add({ name: 'ada lovelace' });
    store.people.add({ name: 'Grace Hopper' });
    expect(store.people.rename(ada.id, 'Ada Lovelace').name).toBe('Ada Lovelace');
    expect(() => store.people.rename(ada.id, 'grace hopper')).toThrow(/already called "Grace Hopper" \(person 2\)/);
    expect(store.people.get(ada.id)?.name).toBe('Ada Lovelace');
    expect(store.audit.list({ limit: 1 })[0]?.details).toEqual({
      personId: 1,
      from: 'ada lovelace',
      to: 'Ada Lovelace',
    });
  });

  it('deletes a person without attendance, their templates going by cascade', () => {
    const store = open();
    const ada = store.people.add({ name: 'Ada' });
    store.templates.add(ada.id, template(1));
    store.templates.add(ada.id, template(2));
    const grace = store.people.add({ name: 'Grace' });
    store.templates.add(grace.id, template(3));

    expect(store.people.remove(ada.id)).toMatchObject({ outcome: 'deleted', templatesDeleted: 2 });
    expect(store.people.get(ada.id)).toBeUndefined();
    expect(temp.raw().prepare('SELECT person_id FROM templates').pluck().all()).toEqual([grace.id]);
    expect(store.audit.list({ limit: 1 })[0]?.details).toEqual({
      personId: ada.id,
      name: 'Ada',
      outcome: 'deleted',
      templatesDeleted: 2,
    });
  });

  it('deactivates a person with attendance: templates go, the name stays on their history', () => {
    const store = open();
    const ada = store.people.add({ name: 'Ada' });
    store.templates.add(ada.id, template(1));
    store.attendance.record({ personId: ada.id, occurredAt: now, kind: 'in', distance: 0.31, source: 'kiosk' });

    expect(store.people.remove(ada.id)).toMatchObject({ outcome: 'deactivated', templatesDeleted: 1 });
    expect(store.people.get(ada.id)?.active).toBe(false);
    expect(store.templates.count()).toBe(0);
    expect(store.people.findByName('Ada')).toBeUndefined();
    expect(store.people.list()).toEqual([]);
    expect(store.people.list({ includeRemoved: true }).map((p) => [p.name, p.active])).toEqual([['Ada', false]]);
    expect(store.attendance.lastForPerson(ada.id)?.personName).toBe('Ada');
    // A removed person's name may go to someone new; then the old one cannot be restored under it.
    const newAda = store.people.add({ name: 'ADA' });
    expect(() => store.people.restore(ada.id)).toThrow(/already called "ADA" \(person 2\)/);
    store.people.rename(newAda.id, 'Ada B.');
    expect(store.people.restore(ada.id)).toMatchObject({ id: ada.id, active: true });
  });

  it('lists people with template counts and when they were last seen', () => {
    const store = open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'grace' });
    store.templates.add(grace.id, template(1));
    store.templates.add(grace.id, template(2));
    store.templates.add(ada.id, template(3));
    const at = (iso: string) => new Date(iso);
    store.attendance.record({
      personId: grace.id,
      occurredAt: at('2025-03-13T17:00:00Z'),
      kind: 'out',
      distance: 0.4,
      source: 'kiosk',
    });
    store.attendance.record({
      personId: grace.id,
      occurredAt: at('2025-03-13T08:00:00Z'),
      kind: 'in',
      distance: 0.4,
      source: 'kiosk',
    });

    expect(store.people.list().map((p) => [p.name, p.templateCount, p.lastSeenAt?.toISOString() ?? null])).toEqual([
      ['Ada', 1, null],
      ['grace', 2, '2025-03-13T17:00:00.000Z'],
    ]);
  });

  it('refuses bad names and unknown ids, saying why', () => {
    const store = open();
    expect(() => store.people.add({ name: '   ' })).toThrow('person name is empty');
    expect(() => store.people.add({ name: 'Ada\u0000' })).toThrow('person name contains control characters');
    expect(() => store.people.add({ name: 'x'.repeat(201) })).toThrow(
      'person name is 201 characters long, at most 200 allowed',
    );
    expect(() => store.people.rename(42, 'Ada')).toThrow('no person with id 42');
    expect(() => store.people.remove(1.5)).toThrow('person id must be a positive whole number, got 1.5');
    expect(store.people.list()).toEqual([]);
    expect(store.audit.list()).toEqual([]);
  });

  it('keeps one face thumbnail per active person and drops it with the templates', () => {
    const store = open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'Grace' });
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(store.people.thumbnail(ada.id)).toBeNull();
    store.people.setThumbnail(ada.id, jpeg);
    store.people.setThumbnail(grace.id, jpeg.subarray(2));
    expect([...(store.people.thumbnail(ada.id) ?? [])]).toEqual([...jpeg]);
    expect([...(store.people.thumbnail(grace.id) ?? [])]).toEqual([0xff, 0xe0, 1, 2, 3]);
    expect(store.people.thumbnail(99)).toBeNull();
    // Bad input: nothing stored, a specific message.
    expect(() => store.people.setThumbnail(ada.id, new Uint8Array(0))).toThrow(
      'a thumbnail must be 1 to 65536 bytes, got 0',
    );
    expect(() => store.people.setThumbnail(ada.id, new Uint8Array(65_537))).toThrow(
      'a thumbnail must be 1 to 65536 bytes, got 65537',
    );
    expect(() => store.people.setThumbnail(99, jpeg)).toThrow('no person with id 99');
    expect(store.people.thumbnail(ada.id)?.length).toBe(7);
    // Removal with attendance history keeps the row (deactivated) but not the face.
    store.attendance.record({ personId: grace.id, occurredAt: now, kind: 'in', distance: 0.3, source: 'kiosk' });
    store.people.remove(grace.id);
    expect(store.people.thumbnail(grace.id)).toBeNull();
    expect(() => store.people.setThumbnail(grace.id, jpeg)).toThrow(
      '"Grace" (person 2) was removed; the thumbnail was not stored',
    );
    // Removal without history deletes the row, thumbnail included.
    store.people.remove(ada.id);
    expect(temp.raw().prepare('SELECT COUNT(*) FROM people WHERE thumbnail IS NOT NULL').pluck().get()).toBe(0);
  });
});
