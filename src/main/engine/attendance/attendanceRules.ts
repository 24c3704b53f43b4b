import { z } from 'zod';

/**
 * When a recognised person is checked in, checked out, or told they already were: a pure function
 * of their events in the current attendance day, the time, and the settings. Times are the
 * machine's local time (Date's local getters), so an attendance day follows daylight saving time.
 *
 * The day is recorded as "first in, last out": the first recognition of the day checks the person
 * in, and in 'in-out' mode every later one (after the cooldown) is a new 'out' event, so the last
 * 'out' of the day is when they left. Breaks are not tracked. In 'in-only' mode only the first
 * recognition of the day is recorded.
 */

export type AttendanceMode = 'in-out' | 'in-only';
export type AttendanceEventKind = 'in' | 'out';

export interface AttendanceSettings {
  readonly mode: AttendanceMode;
  /** After any event, recognitions within this many minutes write nothing ("already checked in at 08:59"). */
  readonly cooldownMinutes: number;
  /** Local "HH:MM" when an attendance day starts: with "04:00", a check-out at 02:00 belongs to the day before. */
  readonly dayBoundary: string;
}

export const attendanceModeSchema = z.enum(['in-out', 'in-only']);
export const cooldownMinutesSchema = z
  .number()
  .min(0)
  .max(24 * 60);
export const dayBoundarySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:MM", 00:00 to 23:59');

/**
 * Five minutes covers someone lingering in front of the camera or walking past it again on their
 * way in. The day starts at 04:00 so that night shifts ending after midnight stay in the day they
 * began, while no ordinary early shift starts before it.
 */
export const DEFAULT_ATTENDANCE_SETTINGS: AttendanceSettings = {
  mode: 'in-out',
  cooldownMinutes: 5,
  dayBoundary: '04:00',
};

/** One of the person's recorded events. */
export interface DayEvent {
  readonly kind: AttendanceEventKind;
  readonly occurredAt: Date;
}

export type AttendanceDecision =
  | { readonly action: 'check-in'; readonly kind: 'in' }
  | { readonly action: 'check-out'; readonly kind: 'out' }
  /** Nothing is written: the person was already checked in (or out) at `previousAt`. */
  | { readonly action: 'already'; readonly kind: AttendanceEventKind; readonly previousAt: Date };

/** An attendance day: the local date it is named after and its bounds, `from <= t < to`. */
export interface AttendanceDay {
  readonly date: string;
  readonly from: Date;
  readonly to: Date;
}

export type AttendanceInputErrorCode =
  | 'invalid-settings'
  | 'invalid-time'
  | 'invalid-date'
  | 'invalid-range'
  | 'invalid-event';

export class AttendanceInputError extends Error {
  constructor(
    readonly code: AttendanceInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AttendanceInputError';
  }
}

/**
 * What recognising the person at `now` does, given their events of the attendance day that holds
 * `now` (any order). An event later than `now` (a clock set back) counts as within the cooldown, so
 * nothing is written before an event that already exists.
 */
export function decideAttendance(
  dayEvents: readonly DayEvent[],
  now: Date,
  settings: AttendanceSettings,
): AttendanceDecision {
  const nowMs = requireTime(now, 'the time of the recognition');
  const { mode, cooldownMinutes } = checkSettings(settings);
  const events = dayEvents
    .map((event, index) => {
      if (event.kind !== 'in' && event.kind !== 'out') {
        throw new AttendanceInputError(
          'invalid-event',
          `event ${index}: kind must be "in" or "out", got "${String(event.kind)}"`,
        );
      }
      return { kind: event.kind, at: requireTime(event.occurredAt, `event ${index}'s time`) };
    })
    .sort((a, b) => a.at - b.at);
  const firstIn = events.find((event) => event.kind === 'in');
  if (mode === 'in-only') {
    return firstIn ? already(firstIn) : { action: 'check-in', kind: 'in' };
  }
  const last = events.at(-1);
  if (last && nowMs - last.at < cooldownMinutes * 60_000) return already(last);
  return firstIn ? { action: 'check-out', kind: 'out' } : { action: 'check-in', kind: 'in' };
}

function already(event: { kind: AttendanceEventKind; at: number }): AttendanceDecision {
  return { action: 'already', kind: event.kind, previousAt: new Date(event.at) };
}

/** The attendance day holding `at`: it starts at the day boundary on its own date; the boundary itself belongs to the new day. */
export function attendanceDayOf(at: Date, dayBoundary: string): AttendanceDay {
  requireTime(at, 'the time');
  const { hours, minutes } = parseDayBoundary(dayBoundary);
  const sameDate = new Date(at.getFullYear(), at.getMonth(), at.getDate(), hours, minutes);
  const start =
    at.getTime() < sameDate.getTime()
      ? new Date(at.getFullYear(), at.getMonth(), at.getDate() - 1, hours, minutes)
      : sameDate;
  return dayStartingOn(start.getFullYear(), start.getMonth(), start.getDate(), hours, minutes);
}

/** The attendance day named `date` ("YYYY-MM-DD"). */
export function attendanceDay(date: string, dayBoundary: string): AttendanceDay {
  const { year, month, day } = parseLocalDate(date);
  const { hours, minutes } = parseDayBoundary(dayBoundary);
  return dayStartingOn(year, month, day, hours, minutes);
}

/** The span of the attendance days `from` to `to` ("YYYY-MM-DD"), both included. */
export function attendanceDays(
  from: string,
  to: string,
  dayBoundary: string,
): { readonly from: Date; readonly to: Date } {
  const first = attendanceDay(from, dayBoundary);
  const last = attendanceDay(to, dayBoundary);
  if (last.from < first.from)
    throw new AttendanceInputError('invalid-range', `the date range ends (${to}) before it starts (${from})`);
  return { from: first.from, to: last.to };
}

// Built from local date parts, so a day is 23 or 25 hours long across a daylight-saving change.
function dayStartingOn(year: number, month: number, day: number, hours: number, minutes: number): AttendanceDay {
  const from = new Date(year, month, day, hours, minutes);
  return {
    date: formatLocalDate(new Date(year, month, day)),
    from,
    to: new Date(year, month, day + 1, hours, minutes),
  };
}

export function parseDayBoundary(dayBoundary: string): { readonly hours: number; readonly minutes: number } {
  const parsed = dayBoundarySchema.safeParse(dayBoundary);
  if (!parsed.success) {
    throw new AttendanceInputError(
      'invalid-settings',
      `day boundary "${String(dayBoundary)}" must be a local time "HH:MM", 00:00 to 23:59`,
    );
  }
  return { hours: Number(parsed.data.slice(0, 2)), minutes: Number(parsed.data.slice(3, 5)) };
}

function parseLocalDate(date: string): { year: number; month: number; day: number } {
  const match = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]) - 1, Number(match[3])] : [0, 0, 0];
  const probe = new Date(year, month, day);
  if (!match || probe.getFullYear() !== year || probe.getMonth() !== month || probe.getDate() !== day) {
    throw new AttendanceInputError('invalid-date', `"${String(date)}" is not a date of the form YYYY-MM-DD`);
  }
  return { year, month, day };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DD" of `at`'s local calendar date. */
export function formatLocalDate(at: Date): string {
  return `${String(at.getFullYear()).padStart(4, '0')}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
}

/** "HH:MM" local, as said to the person at the kiosk. */
export function formatClockTime(at: Date): string {
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}

function checkSettings(settings: AttendanceSettings): AttendanceSettings {
  if (!attendanceModeSchema.safeParse(settings.mode).success) {
    throw new AttendanceInputError(
      'invalid-settings',
      `attendance mode must be "in-out" or "in-only", got "${String(settings.mode)}"`,
    );
  }
  if (!cooldownMinutesSchema.safeParse(settings.cooldownMinutes).success) {
    throw new AttendanceInputError(
      'invalid-settings',
      `cooldown must be 0 to 1440 minutes, got ${String(settings.cooldownMinutes)}`,
    );
  }
  parseDayBoundary(settings.dayBoundary);
  return settings;
}

function requireTime(value: Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new AttendanceInputError('invalid-time', `${what} is not a valid date`);
  return ms;
}
