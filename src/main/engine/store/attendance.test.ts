import { describe, expect, it } from 'vitest';
import type { AttendanceKind } from './attendance.js';
import { useTempStores } from './testStore.js';

const at = (iso: string) => new Date(iso);

describe('attendance', () => {
  const temp = useTempStores();

  function storeWithEvents() {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const grace = store.people.add({ name: 'Grace' });
    const record = (personId: number, iso: string, kind: AttendanceKind) =>
      store.attendance.record({ personId, occurredAt: at(iso), kind, distance: 0.35, source: 'kiosk' });
    // Inserted out of order on purpose: queries sort by time, not by insertion.
    record(ada.id, '2025-03-14T08:00:00.000Z', 'in');
    record(ada.id, '2025-03-13T23:59:59.999Z', 'out');
    record(grace.id, '2025-03-14T00:00:00.000Z', 'in');
    record(grace.id, '2025-03-14T23:59:59.999Z', 'out');
    record(ada.id, '2025-03-15T00:00:00.000Z', 'in');
    return { store, ada, grace };
  }

  const summary = (events: { personName: string; occurredAt: Date; kind: string }[]) =>
    events.map((e) => `${e.personName} ${e.kind} ${e.occurredAt.toISOString()}`);

  it('stores times as integer milliseconds since the epoch (UTC)', () => {
    const { store } = storeWithEvents();
    const raw = temp.raw();
    expect(
      raw.prepare('SELECT typeof(occurred_at), occurred_at FROM attendance_events WHERE id = 2').raw().get(),
    ).toEqual(['integer', Date.parse('2025-03-13T23:59:59.999Z')]);
    expect(store.attendance.list({ from: at('2025-03-13T00:00:00Z'), to: at('2025-03-16T00:00:00Z') })).toHaveLength(5);
  });

  it('lists a day as [midnight, next midnight): the last millisecond in, the next midnight out', () => {
    const { store } = storeWithEvents();
    expect(
      summary(store.attendance.list({ from: at('2025-03-14T00:00:00Z'), to: at('2025-03-15T00:00:00Z') })),
    ).toEqual([
      'Grace in 2025-03-14T00:00:00.000Z',
      'Ada in 2025-03-14T08:00:00.000Z',
      'Grace out 2025-03-14T23:59:59.999Z',
    ]);
    expect(
      summary(store.attendance.list({ from: at('2025-03-13T00:00:00Z'), to: at('2025-03-14T00:00:00Z') })),
    ).toEqual(['Ada out 2025-03-13T23:59:59.999Z']);
  });

  it('takes local midnights from the caller: a UTC+02:00 day starts at 22:00 UTC the evening before', () => {
    const { store } = storeWithEvents();
    const localDay = { from: at('2025-03-14T00:00:00+02:00'), to: at('2025-03-15T00:00:00+02:00') };
    expect(summary(store.attendance.list(localDay))).toEqual([
      'Ada out 2025-03-13T23:59:59.999Z',
      'Grace in 2025-03-14T00:00:00.000Z',
      'Ada in 2025-03-14T08:00:00.000Z',
    ]);
  });

  it('lists a night shift across midnight for one person', () => {
    const { store, ada } = storeWithEvents();
    const night = { from: at('2025-03-13T22:00:00Z'), to: at('2025-03-15T02:00:00Z'), personId: ada.id };
    expect(summary(store.attendance.list(night))).toEqual([
      'Ada out 2025-03-13T23:59:59.999Z',
      'Ada in 2025-03-14T08:00:00.000Z',
      'Ada in 2025-03-15T00:00:00.000Z',
    ]);
    expect(store.attendance.list({ from: at('2025-03-14T09:00:00Z'), to: at('2025-03-14T09:00:00Z') })).toEqual([]);
  });

  it('finds the latest event of a person by time, whatever the insertion order', () => {
    const { store, ada, grace } = storeWithEvents();
    expect(store.attendance.lastForPerson(ada.id)).toEqual({
      id: 5,
      personId: ada.id,
      personName: 'Ada',
      occurredAt: at('2025-03-15T00:00:00.000Z'),
      kind: 'in',
      distance: 0.35,
      source: 'kiosk',
    });
    expect(store.attendance.lastForPerson(grace.id)?.kind).toBe('out');
    expect(store.attendance.lastForPerson(99)).toBeUndefined();
  });

  it('refuses bad events and removed people, recording nothing', () => {
    const store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const ok = {
      personId: ada.id,
      occurredAt: at('2025-03-14T08:00:00Z'),
      kind: 'in' as const,
      distance: 0.3,
      source: 'kiosk',
    };
    expect(() => store.attendance.record({ ...ok, occurredAt: new Date('not a date') })).toThrow(
      'attendance time is not a valid date',
    );
    expect(() => store.attendance.record({ ...ok, kind: 'lunch' as AttendanceKind })).toThrow(
      'attendance kind must be "in" or "out", got "lunch"',
    );
    expect(() => store.attendance.record({ ...ok, distance: -0.1 })).toThrow(
      'match distance must be a finite number >= 0 or null, got -0.1',
    );
    expect(() => store.attendance.record({ ...ok, personId: 7 })).toThrow('no person with id 7');
    expect(() => store.attendance.list({ from: at('2025-03-15T00:00:00Z'), to: at('2025-03-14T00:00:00Z') })).toThrow(
      'the range ends before it starts',
    );
    expect(store.attendance.record({ ...ok, distance: null, source: 'manual' }).distance).toBeNull();
    store.people.remove(ada.id);
    expect(() => store.attendance.record(ok)).toThrow('"Ada" (person 1) was removed; attendance was not recorded');
    expect(store.attendance.list({ from: at('2025-01-01T00:00:00Z'), to: at('2026-01-01T00:00:00Z') })).toHaveLength(1);
  });

  it('deletes events before a cut-off for data retention, with one audit entry', () => {
    const { store } = storeWithEvents();
    expect(store.attendance.deleteBefore(at('2025-03-14T08:00:00.000Z'))).toBe(2);
    expect(
      summary(store.attendance.list({ from: at('2025-03-01T00:00:00Z'), to: at('2025-04-01T00:00:00Z') })),
    ).toEqual([
      'Ada in 2025-03-14T08:00:00.000Z',
      'Grace out 2025-03-14T23:59:59.999Z',
      'Ada in 2025-03-15T00:00:00.000Z',
    ]);
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'attendance.prune',
      details: { before: Date.parse('2025-03-14T08:00:00.000Z'), deleted: 2 },
    });
    // Nothing older left: nothing deleted, nothing audited.
    const entries = store.audit.list().length;
    expect(store.attendance.deleteBefore(at('2025-03-14T08:00:00.000Z'))).toBe(0);
    expect(store.audit.list()).toHaveLength(entries);
    expect(() => store.attendance.deleteBefore(new Date(Number.NaN))).toThrow(
      'the retention cut-off is not a valid date',
    );
  });
});
