import { describe, expect, it } from 'vitest';
import {
  AttendanceInputError,
  attendanceDay,
  attendanceDayOf,
  attendanceDays,
  decideAttendance,
  DEFAULT_ATTENDANCE_SETTINGS,
  formatClockTime,
  type AttendanceSettings,
  type DayEvent,
} from './attendanceRules.js';

// Every time is local (the rules use the machine's time zone), in June: no daylight-saving change
// anywhere near, so these tests read the same in every time zone.
const local = (day: number, hours: number, minutes = 0, seconds = 0, ms = 0) =>
  new Date(2025, 5, day, hours, minutes, seconds, ms);
const inAt = (at: Date): DayEvent => ({ kind: 'in', occurredAt: at });
const outAt = (at: Date): DayEvent => ({ kind: 'out', occurredAt: at });

const inOut: AttendanceSettings = DEFAULT_ATTENDANCE_SETTINGS;
const inOnly: AttendanceSettings = { ...DEFAULT_ATTENDANCE_SETTINGS, mode: 'in-only' };

function refuse(run: () => unknown, code: string, message: string): void {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(AttendanceInputError);
  expect(error).toMatchObject({ code, message });
}

describe('decideAttendance', () => {
  it('has documented defaults: in and out, 5 minutes cooldown, days starting at 04:00', () => {
    expect(DEFAULT_ATTENDANCE_SETTINGS).toEqual({ mode: 'in-out', cooldownMinutes: 5, dayBoundary: '04:00' });
  });

  it('checks in on the first recognition of the day', () => {
    expect(decideAttendance([], local(10, 8, 59), inOut)).toEqual({ action: 'check-in', kind: 'in' });
  });

  it('says "already checked in at 08:59" within the cooldown, and checks out once it is over', () => {
    const events = [inAt(local(10, 8, 59, 30))];
    const already = decideAttendance(events, local(10, 9, 4, 29, 999), inOut);
    expect(already).toEqual({ action: 'already', kind: 'in', previousAt: local(10, 8, 59, 30) });
    expect(already.action === 'already' && `already checked in at ${formatClockTime(already.previousAt)}`).toBe(
      'already checked in at 08:59',
    );
    // The cooldown is 5 minutes to the millisecond.
    expect(decideAttendance(events, local(10, 9, 4, 30), inOut)).toEqual({ action: 'check-out', kind: 'out' });
  });

  it('checks out again later in the day (each one a new "out"), with its own cooldown', () => {
    const events = [outAt(local(10, 17, 0)), inAt(local(10, 8, 59))];
    expect(decideAttendance(events, local(10, 17, 2), inOut)).toEqual({
      action: 'already',
      kind: 'out',
      previousAt: local(10, 17, 0),
    });
    expect(decideAttendance(events, local(10, 18, 30), inOut)).toEqual({ action: 'check-out', kind: 'out' });
  });

  it('checks in when the day holds only check-outs (a manual entry), after their cooldown', () => {
    const events = [outAt(local(10, 7, 0))];
    expect(decideAttendance(events, local(10, 7, 3), inOut)).toMatchObject({ action: 'already', kind: 'out' });
    expect(decideAttendance(events, local(10, 8, 0), inOut)).toEqual({ action: 'check-in', kind: 'in' });
  });

  it('writes nothing before an event that already exists (a clock set back)', () => {
    expect(decideAttendance([inAt(local(10, 12, 0))], local(10, 11, 0), inOut)).toEqual({
      action: 'already',
      kind: 'in',
      previousAt: local(10, 12, 0),
    });
  });

  it('checks out at once with a cooldown of 0', () => {
    const settings = { ...inOut, cooldownMinutes: 0 };
    expect(decideAttendance([inAt(local(10, 9, 0))], local(10, 9, 0), settings)).toEqual({
      action: 'check-out',
      kind: 'out',
    });
  });

  it('in "in-only" mode checks in once a day and then always answers with that check-in', () => {
    expect(decideAttendance([], local(10, 8, 59), inOnly)).toEqual({ action: 'check-in', kind: 'in' });
    const events = [inAt(local(10, 8, 59)), inAt(local(10, 12, 0))];
    expect(decideAttendance(events, local(10, 17, 30), inOnly)).toEqual({
      action: 'already',
      kind: 'in',
      previousAt: local(10, 8, 59),
    });
    expect(decideAttendance([outAt(local(10, 8, 0))], local(10, 8, 1), inOnly)).toEqual({
      action: 'check-in',
      kind: 'in',
    });
  });

  it('puts a night shift check-out at 02:00 in the day before when days start at 04:00', () => {
    const all = [inAt(local(10, 22, 0))];
    const eventsOfDay = (now: Date, dayBoundary: string) => {
      const day = attendanceDayOf(now, dayBoundary);
      return all.filter((e) => e.occurredAt >= day.from && e.occurredAt < day.to);
    };
    const now = local(11, 2, 0);
    expect(decideAttendance(eventsOfDay(now, '04:00'), now, inOut)).toEqual({ action: 'check-out', kind: 'out' });
    // With days starting at midnight, 02:00 opens a new day: a check-in.
    expect(decideAttendance(eventsOfDay(now, '00:00'), now, inOut)).toEqual({ action: 'check-in', kind: 'in' });
  });

  it('refuses bad input with specific errors', () => {
    refuse(
      () => decideAttendance([], new Date(Number.NaN), inOut),
      'invalid-time',
      'the time of the recognition is not a valid date',
    );
    refuse(
      () => decideAttendance([inAt(local(10, 9)), inAt(new Date('soon'))], local(10, 10), inOut),
      'invalid-time',
      "event 1's time is not a valid date",
    );
    refuse(
      () =>
        decideAttendance([{ kind: 'lunch', occurredAt: local(10, 9) } as unknown as DayEvent], local(10, 10), inOut),
      'invalid-event',
      'event 0: kind must be "in" or "out", got "lunch"',
    );
    refuse(
      () => decideAttendance([], local(10, 10), { ...inOut, mode: 'out-only' as AttendanceSettings['mode'] }),
      'invalid-settings',
      'attendance mode must be "in-out" or "in-only", got "out-only"',
    );
    refuse(
      () => decideAttendance([], local(10, 10), { ...inOut, cooldownMinutes: -5 }),
      'invalid-settings',
      'cooldown must be 0 to 1440 minutes, got -5',
    );
    refuse(
      () => decideAttendance([], local(10, 10), { ...inOut, dayBoundary: '4:00' }),
      'invalid-settings',
      'day boundary "4:00" must be a local time "HH:MM", 00:00 to 23:59',
    );
  });
});

describe('attendance days', () => {
  it('starts a day at its boundary: 04:00 itself belongs to the new day, 03:59:59.999 to the old one', () => {
    const june10 = { date: '2025-06-10', from: local(10, 4, 0), to: local(11, 4, 0) };
    expect(attendanceDayOf(local(11, 3, 59, 59, 999), '04:00')).toEqual(june10);
    expect(attendanceDayOf(local(10, 4, 0), '04:00')).toEqual(june10);
    expect(attendanceDayOf(local(11, 4, 0), '04:00').date).toBe('2025-06-11');
    expect(attendanceDayOf(local(11, 2, 0), '04:00').date).toBe('2025-06-10');
  });

  it('uses local midnight with a boundary of 00:00, and late boundaries like 23:30', () => {
    expect(attendanceDayOf(local(10, 23, 59, 59, 999), '00:00')).toEqual({
      date: '2025-06-10',
      from: local(10, 0, 0),
      to: local(11, 0, 0),
    });
    expect(attendanceDayOf(local(11, 0, 0), '00:00').date).toBe('2025-06-11');
    expect(attendanceDayOf(local(10, 23, 45), '23:30')).toEqual({
      date: '2025-06-10',
      from: local(10, 23, 30),
      to: local(11, 23, 30),
    });
    expect(attendanceDayOf(local(10, 23, 15), '23:30').date).toBe('2025-06-09');
  });

  it('crosses months and years', () => {
    expect(attendanceDayOf(new Date(2025, 0, 1, 1, 0), '04:00')).toEqual({
      date: '2024-12-31',
      from: new Date(2024, 11, 31, 4, 0),
      to: new Date(2025, 0, 1, 4, 0),
    });
  });

  it('names days and spans of days, both ends included', () => {
    expect(attendanceDay('2025-06-10', '04:00')).toEqual({ date: '2025-06-10', from: local(10, 4), to: local(11, 4) });
    expect(attendanceDays('2025-06-10', '2025-06-12', '04:00')).toEqual({ from: local(10, 4), to: local(13, 4) });
    expect(attendanceDays('2025-06-10', '2025-06-10', '00:00')).toEqual({ from: local(10, 0), to: local(11, 0) });
  });

  it('refuses dates that are not real YYYY-MM-DD days, and reversed ranges', () => {
    refuse(
      () => attendanceDay('2025-02-29', '04:00'),
      'invalid-date',
      '"2025-02-29" is not a date of the form YYYY-MM-DD',
    );
    refuse(() => attendanceDay('2025-6-1', '04:00'), 'invalid-date', '"2025-6-1" is not a date of the form YYYY-MM-DD');
    refuse(() => attendanceDay('', '04:00'), 'invalid-date', '"" is not a date of the form YYYY-MM-DD');
    refuse(
      () => attendanceDays('2025-06-12', '2025-06-10', '04:00'),
      'invalid-range',
      'the date range ends (2025-06-10) before it starts (2025-06-12)',
    );
    refuse(
      () => attendanceDayOf(local(10, 9), '24:00'),
      'invalid-settings',
      'day boundary "24:00" must be a local time "HH:MM", 00:00 to 23:59',
    );
    refuse(() => attendanceDayOf(new Date(Number.NaN), '04:00'), 'invalid-time', 'the time is not a valid date');
    expect(attendanceDay('2024-02-29', '04:00').date).toBe('2024-02-29');
  });
});
