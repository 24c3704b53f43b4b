import { describe, expect, it } from 'vitest';
import { StoreError, type Store } from '../store/index.js';
import { useTempStores } from '../store/testStore.js';
import {
  ATTENDANCE_COOLDOWN_MINUTES,
  ATTENDANCE_DAY_BOUNDARY,
  ATTENDANCE_MODE,
  createAttendanceService,
  describeAnnouncement,
  type AttendanceAnnouncement,
  readAttendanceSettings,
} from './attendanceService.js';

// Local times in June, far from any daylight-saving change.
const local = (day: number, hours: number, minutes = 0, seconds = 0) => new Date(2025, 5, day, hours, minutes, seconds);

/** A clock the test moves by hand. */
function clock(start: Date) {
  let now = start;
  return { now: () => now, set: (at: Date) => (now = at) };
}

function expectStoreError(run: () => unknown, code: string, message: string): void {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toMatchObject({ code, message });
}

describe('attendance service', () => {
  const temp = useTempStores();

  function setup(start: Date, options: { busyTimeoutMs?: number } = {}) {
    const store = temp.open(options);
    const ada = store.people.add({ name: 'Ada', employeeCode: 'E-1' });
    const time = clock(start);
    const service = createAttendanceService(store, { now: time.now });
    return { store, ada, time, service };
  }

  /** The events as another connection (another process) sees them: only what is committed. */
  const committed = () =>
    temp
      .raw()
      .prepare('SELECT id, person_id, occurred_at, kind, distance, source FROM attendance_events ORDER BY id')
      .all();

  it('commits a check-in before announcing it', () => {
    const { ada, service } = setup(local(10, 8, 59, 30));
    const announcement = service.recordRecognition(ada.id, 0.41);
    expect(announcement).toEqual({
      type: 'attendance',
      personId: ada.id,
      name: 'Ada',
      kind: 'in',
      already: false,
      at: local(10, 8, 59, 30),
      eventId: 1,
      distance: 0.41,
      attendanceDate: '2025-06-10',
    });
    expect(committed()).toEqual([
      {
        id: 1,
        person_id: ada.id,
        occurred_at: local(10, 8, 59, 30).getTime(),
        kind: 'in',
        distance: 0.41,
        source: 'kiosk',
      },
    ]);
    expect(describeAnnouncement(announcement)).toBe('Ada, checked in at 08:59');
  });

  it('answers "already checked in at 08:59" within the cooldown and writes nothing, then checks out', () => {
    const { ada, time, service } = setup(local(10, 8, 59, 30));
    service.recordRecognition(ada.id, 0.41);
    time.set(local(10, 9, 3));
    const again = service.recordRecognition(ada.id, 0.39);
    expect(again).toEqual({
      type: 'attendance',
      personId: ada.id,
      name: 'Ada',
      kind: 'in',
      already: true,
      at: local(10, 9, 3),
      previousAt: local(10, 8, 59, 30),
      distance: 0.39,
      attendanceDate: '2025-06-10',
    });
    expect(describeAnnouncement(again)).toBe('Ada, already checked in at 08:59');
    expect(committed()).toHaveLength(1);

    time.set(local(10, 17, 2));
    const out = service.recordRecognition(ada.id, 0.44);
    expect(out).toMatchObject({ kind: 'out', already: false, eventId: 2, at: local(10, 17, 2) });
    expect(describeAnnouncement(out)).toBe('Ada, checked out at 17:02');
    time.set(local(10, 17, 5));
    expect(describeAnnouncement(service.recordRecognition(ada.id, 0.44))).toBe('Ada, already checked out at 17:02');
    // A later recognition is a new "out": the export's last out moves to 18:30.
    time.set(local(10, 18, 30));
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'out', already: false, eventId: 3 });
    expect(committed().map((row) => (row as { kind: string }).kind)).toEqual(['in', 'out', 'out']);
  });

  it('reads mode, cooldown and day boundary from the store settings, with documented defaults', () => {
    const { store, ada, time, service } = setup(local(10, 8, 0));
    expect(readAttendanceSettings(store.settings)).toEqual({
      mode: 'in-out',
      cooldownMinutes: 5,
      dayBoundary: '04:00',
    });
    store.settings.set(ATTENDANCE_MODE, 'in-only');
    store.settings.set(ATTENDANCE_COOLDOWN_MINUTES, 1);
    service.recordRecognition(ada.id, 0.4);
    time.set(local(10, 17, 0));
    expect(describeAnnouncement(service.recordRecognition(ada.id, 0.4))).toBe('Ada, already checked in at 08:00');
    store.settings.set(ATTENDANCE_MODE, 'in-out');
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'out', already: false });
    time.set(local(10, 17, 0, 59));
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'out', already: true });
    time.set(local(10, 17, 1));
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'out', already: false });
    // Message: the store refuses a bad value before anything is written.
    expectStoreError(
      () => store.settings.set(ATTENDANCE_DAY_BOUNDARY, '25:00'),
      'invalid-setting',
      'setting "attendance.dayBoundary" refused (value: must be a local time "HH:MM", 00:00 to 23:59)',
    );
    expect(store.settings.get(ATTENDANCE_DAY_BOUNDARY)).toBe('04:00');
  });

  it('checks a night shift out at 02:00 into the day it began', () => {
    const { ada, time, service } = setup(local(10, 22, 0));
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'in', attendanceDate: '2025-06-10' });
    time.set(local(11, 2, 0));
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'out', attendanceDate: '2025-06-10' });
    time.set(local(11, 4, 0));
    expect(service.recordRecognition(ada.id, 0.4)).toMatchObject({ kind: 'in', attendanceDate: '2025-06-11' });
  });

  it('announces nothing when the database is locked, and records once the lock is gone', () => {
    const { store, ada, service } = setup(local(10, 8, 59), { busyTimeoutMs: 50 });
    const other = temp.raw();
    other.exec('BEGIN IMMEDIATE');
    // Message: "database is locked by another Clockface process: <path>" (the store's own error).
    expectStoreError(
      () => service.recordRecognition(ada.id, 0.41),
      'locked',
      `database is locked by another Clockface process: ${store.path}`,
    );
    other.exec('ROLLBACK');
    expect(committed()).toEqual([]);
    expect(service.recordRecognition(ada.id, 0.41)).toMatchObject({ kind: 'in', already: false, eventId: 1 });
  });

  it('answers "already" without writing, so a locked database does not stop it', () => {
    const { store, ada, time, service } = setup(local(10, 8, 59), { busyTimeoutMs: 50 });
    service.recordRecognition(ada.id, 0.41);
    const other = temp.raw();
    other.exec('BEGIN IMMEDIATE');
    time.set(local(10, 9, 0));
    expect(service.recordRecognition(ada.id, 0.41)).toMatchObject({ already: true, previousAt: local(10, 8, 59) });
    other.exec('ROLLBACK');
    expect(store.attendance.list({ from: local(10, 0), to: local(11, 0) })).toHaveLength(1);
  });

  it('refuses unknown and removed people and bad distances with the store errors, writing nothing', () => {
    const { store, ada, service } = setup(local(10, 9, 0));
    expectStoreError(() => service.recordRecognition(99, 0.4), 'person-not-found', 'no person with id 99');
    expectStoreError(
      () => service.recordRecognition(0, 0.4),
      'invalid-input',
      'person id must be a positive whole number, got 0',
    );
    expectStoreError(
      () => service.recordRecognition(ada.id, -1),
      'invalid-input',
      'match distance must be a finite number >= 0 or null, got -1',
    );
    const grace = store.people.add({ name: 'Grace' });
    store.people.remove(grace.id);
    // Grace had no history, so she is deleted outright: not found.
    expectStoreError(
      () => service.recordRecognition(grace.id, 0.4),
      'person-not-found',
      `no person with id ${grace.id}`,
    );
    service.recordRecognition(ada.id, 0.4);
    store.people.remove(ada.id);
    expectStoreError(
      () => service.recordRecognition(ada.id, 0.4),
      'person-removed',
      `"Ada" (person ${ada.id}) was removed; attendance was not recorded`,
    );
    expect(committed()).toHaveLength(1);
  });

  it('checks a person in once when two kiosks on one database recognise them at the same moment', () => {
    // Two connections to one file, as two kiosk processes have. Kiosk A reads Ada's day (nothing
    // yet) and, before it writes, kiosk B records her check-in: A must see it and answer "already".
    const kioskA = temp.open();
    const kioskB = temp.open();
    const ada = kioskA.people.add({ name: 'Ada' });
    const at = () => local(10, 8, 59, 30);
    const serviceB = createAttendanceService(kioskB, { now: at });
    let interleaved: AttendanceAnnouncement | undefined;
    const listThenLetKioskBIn: Store['attendance'] = {
      ...kioskA.attendance,
      list: (range) => {
        const events = kioskA.attendance.list(range);
        interleaved ??= serviceB.recordRecognition(ada.id, 0.38);
        return events;
      },
    };
    const serviceA = createAttendanceService({ ...kioskA, attendance: listThenLetKioskBIn }, { now: at });

    const announcedA = serviceA.recordRecognition(ada.id, 0.41);
    expect(interleaved).toMatchObject({ kind: 'in', already: false, eventId: 1, distance: 0.38 });
    expect(announcedA).toEqual({
      type: 'attendance',
      personId: ada.id,
      name: 'Ada',
      kind: 'in',
      already: true,
      at: at(),
      previousAt: at(),
      distance: 0.41,
      attendanceDate: '2025-06-10',
    });
    expect(committed()).toEqual([
      { id: 1, person_id: ada.id, occurred_at: at().getTime(), kind: 'in', distance: 0.38, source: 'kiosk' },
    ]);
  });

  it('records a manual entry with no distance and its own source', () => {
    const store: Store = temp.open();
    const ada = store.people.add({ name: 'Ada' });
    const service = createAttendanceService(store, { now: () => local(10, 9, 0), source: 'manual' });
    expect(service.recordRecognition(ada.id, null)).toMatchObject({ kind: 'in', distance: null });
    expect(committed()).toMatchObject([{ distance: null, source: 'manual' }]);
  });
});
