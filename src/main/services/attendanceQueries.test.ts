import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttendanceKind } from '../engine/store/index.js';
import { useTempStores } from '../engine/store/testStore.js';
import { AttendanceQueries, AttendanceRangeError, datesBetween } from './attendanceQueries.js';
import { kioskAttendance } from './liveAttendance.js';
import { createSettingsService } from './settings.js';

// Local times in June, far from any daylight-saving change, so the answers read the same in every time zone.
const local = (day: number, hours: number, minutes = 0) => new Date(2025, 5, day, hours, minutes);

describe('attendance queries', () => {
  const temp = useTempStores();

  /** Ada works 08:59–17:31 on the 10th; Grace a night shift 22:00 on the 10th to 02:15 on the 11th. */
  function setUp() {
    const store = temp.open({ actor: 'admin', now: () => local(20, 12) });
    const ada = store.people.add({ name: 'Ada', employeeCode: 'E-1' });
    const grace = store.people.add({ name: 'Grace' });
    const record = (personId: number, occurredAt: Date, kind: AttendanceKind) =>
      store.attendance.record({ personId, occurredAt, kind, distance: 0.4, source: 'kiosk' });
    record(ada.id, local(10, 8, 59), 'in');
    record(ada.id, local(10, 12, 0), 'out');
    record(ada.id, local(10, 17, 31), 'out');
    record(grace.id, local(10, 22, 0), 'in');
    record(grace.id, local(11, 2, 15), 'out');
    record(ada.id, local(12, 9, 0), 'in');
    const queries = new AttendanceQueries(store, () => local(20, 12).getTime());
    return { store, ada, grace, queries };
  }

  it('lists the events of whole attendance days, a night shift’s 02:15 on the day it began', () => {
    const { queries, grace } = setUp();
    const events = queries.query({ from: '2025-06-10', to: '2025-06-10' });
    expect(events.map((e) => [e.personName, e.kind, e.attendanceDate, new Date(e.occurredAt).getHours()])).toEqual([
      ['Ada', 'in', '2025-06-10', 8],
      ['Ada', 'out', '2025-06-10', 12],
      ['Ada', 'out', '2025-06-10', 17],
      ['Grace', 'in', '2025-06-10', 22],
      ['Grace', 'out', '2025-06-10', 2],
    ]);
    expect(events[0]).toMatchObject({ id: 1, personId: 1, distance: 0.4, source: 'kiosk' });
    expect(queries.query({ from: '2025-06-01', to: '2025-06-30', personId: grace.id })).toHaveLength(2);
    expect(queries.query({ from: '2025-06-13', to: '2025-06-30' })).toEqual([]);
  });

  it('summarises per person per day and counts check-ins on every day of the range', () => {
    const { queries } = setUp();
    const summary = queries.summary({ from: '2025-06-09', to: '2025-06-12' });
    expect(summary.days.map((d) => [d.date, d.name, d.employeeCode, d.totalMinutes])).toEqual([
      ['2025-06-10', 'Ada', 'E-1', 8 * 60 + 32],
      ['2025-06-10', 'Grace', null, 4 * 60 + 15],
      ['2025-06-12', 'Ada', 'E-1', null],
    ]);
    expect(summary.days[0]?.firstIn).toBe(local(10, 8, 59).getTime());
    expect(summary.days[0]?.lastOut).toBe(local(10, 17, 31).getTime());
    expect(summary.checkInsPerDay).toEqual([
      { date: '2025-06-09', count: 0 },
      { date: '2025-06-10', count: 2 },
      { date: '2025-06-11', count: 0 },
      { date: '2025-06-12', count: 1 },
    ]);
  });

  it('exports the same CSV as the CLI to the chosen file, audited, replacing an old file', () => {
    const { queries, store } = setUp();
    const path = temp.file('exports/june.csv');
    mkdirSync(dirname(path), { recursive: true });
    const summary = queries.export({ from: '2025-06-10', to: '2025-06-12', path });
    expect(summary).toEqual({ path, rows: 3, bytes: Buffer.byteLength(readFileSync(path, 'utf8')) });
    expect(readFileSync(path, 'utf8')).toBe(
      'Date,Name,Employee code,First in,Last out,Total\r\n' +
        '2025-06-10,Ada,E-1,08:59,17:31,8:32\r\n' +
        '2025-06-10,Grace,,22:00,02:15,4:15\r\n' +
        '2025-06-12,Ada,E-1,09:00,,\r\n',
    );
    const raw = queries.export({ from: '2025-06-10', to: '2025-06-10', raw: true, bom: true, path });
    expect(raw.rows).toBe(5);
    const text = readFileSync(path, 'utf8');
    expect(
      text.startsWith(
        '\uFEFFDate,Time,Name,Employee code,Kind,Distance,Source\r\n2025-06-10,08:59:00,Ada,E-1,in,0.4000,kiosk\r\n',
      ),
    ).toBe(true);
    expect(readdirSync(dirname(path))).toEqual(['june.csv']);
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'attendance.export',
      details: { from: '2025-06-10', to: '2025-06-10', raw: true, path, rows: 5 },
    });
  });

  it('says why an export cannot be written and leaves no partial file', () => {
    const { queries, store } = setUp();
    const path = temp.file('missing-folder/june.csv');
    expect(() => queries.export({ from: '2025-06-10', to: '2025-06-12', path })).toThrow(
      `${path}: the CSV could not be written (ENOENT)`,
    );
    const folder = temp.file('as-folder');
    mkdirSync(folder);
    expect(() => queries.export({ from: '2025-06-10', to: '2025-06-12', path: folder })).toThrow(
      `${folder}: the CSV could not be written (EISDIR)`,
    );
    expect(readdirSync(dirname(folder)).filter((name) => name.includes('partial'))).toEqual([]);
    expect(store.audit.list().map((e) => e.action)).not.toContain('attendance.export');
  });

  it.each([
    [{ from: '2025-06-12', to: '2025-06-10' }, 'the date range ends (2025-06-10) before it starts (2025-06-12)'],
    [{ from: '2025-02-30', to: '2025-03-01' }, '"2025-02-30" is not a date of the form YYYY-MM-DD'],
    [{ from: '2000-01-01', to: '2025-01-01' }, 'the date range 2000-01-01 to 2025-01-01 is longer than 3660 days'],
  ])('refuses the range %j', (range, message) => {
    const { queries } = setUp();
    expect(() => queries.query(range)).toThrow(AttendanceRangeError);
    expect(() => queries.query(range)).toThrow(message);
    expect(() => queries.summary(range)).toThrow(message);
  });

  it('lists nothing for a person id nobody has', () => {
    const { queries } = setUp();
    expect(queries.query({ from: '2025-06-10', to: '2025-06-10', personId: 99 })).toEqual([]);
  });

  it('prunes events older than the retention days, keeping all when retention is 0', () => {
    const { queries, store } = setUp();
    expect(queries.prune()).toEqual({ deleted: 0, before: null });
    createSettingsService(store).set({ retentionDays: 9 });
    // Now is the 20th at noon: nine days back is the 11th at noon.
    expect(queries.prune()).toEqual({ deleted: 5, before: local(11, 12).getTime() });
    expect(queries.query({ from: '2025-06-01', to: '2025-06-30' }).map((e) => e.attendanceDate)).toEqual([
      '2025-06-12',
    ]);
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({ action: 'attendance.prune', details: { deleted: 5 } });
    expect(queries.prune(1)).toEqual({ deleted: 1, before: local(19, 12).getTime() });
    expect(() => queries.prune(-3)).toThrow('retention must be a whole number of days, got -3');
  });

  it('tells the kiosk how long the day was at a check-out, counted as the CSV counts it', () => {
    const { store, ada } = setUp();
    const base = {
      type: 'attendance',
      personId: ada.id,
      name: 'Ada',
      distance: 0.4,
      attendanceDate: '2025-06-10',
    } as const;
    const out = kioskAttendance({ ...base, kind: 'out', already: false, at: local(10, 17, 31), eventId: 3 }, store);
    expect(out).toEqual({
      personId: ada.id,
      name: 'Ada',
      kind: 'out',
      already: false,
      at: local(10, 17, 31).getTime(),
      previousAt: null,
      attendanceDate: '2025-06-10',
      todayMinutes: 8 * 60 + 32,
      distance: 0.4,
    });
    const already = kioskAttendance(
      {
        ...base,
        kind: 'in',
        already: true,
        at: local(12, 9, 2),
        previousAt: local(12, 9, 0),
        attendanceDate: '2025-06-12',
      },
      store,
    );
    expect(already).toMatchObject({ already: true, previousAt: local(12, 9, 0).getTime(), todayMinutes: null });
  });

  it('lists every date of a range, across a month end', () => {
    expect(datesBetween('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(datesBetween('2025-06-10', '2025-06-10')).toEqual(['2025-06-10']);
  });
});
