import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type {
  AttendanceEventRow,
  AttendanceExportRequest,
  AttendanceExportResponse,
  AttendancePruneResponse,
  AttendanceRangeRequest,
  AttendanceSummaryResponse,
} from '../../shared/ipc.js';
import { attendanceDayOf, attendanceDays, formatLocalDate } from '../engine/attendance/attendanceRules.js';
import { readAttendanceSettings } from '../engine/attendance/attendanceService.js';
import { exportAttendanceCsv, summariseAttendance, type ExportEvent } from '../engine/attendance/csvExport.js';
import type { Store } from '../engine/store/index.js';
import { RETENTION_DAYS } from './settings.js';

/** The admin's Attendance screen: the table, the per-day summary and chart, CSV export, retention. */

/** Ten years of days: a wider range is a typo, and the chart would have millions of bars. */
export const MAX_RANGE_DAYS = 3660;
const DAY_MS = 24 * 60 * 60_000;

export class AttendanceRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttendanceRangeError';
  }
}

type AttendanceStore = Pick<Store, 'people' | 'attendance' | 'settings' | 'audit'>;

export class AttendanceQueries {
  constructor(
    private readonly store: AttendanceStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Events of the attendance days `from`..`to` (both included), oldest first. */
  query(request: AttendanceRangeRequest): AttendanceEventRow[] {
    return this.exportEvents(request).map((event) => ({
      id: event.id,
      personId: event.personId,
      personName: event.personName,
      occurredAt: event.occurredAt.getTime(),
      attendanceDate: event.attendanceDate,
      kind: event.kind,
      distance: event.distance,
      source: event.source,
    }));
  }

  /** One row per person per day (first in, last out, as the CSV summary), and check-ins per day for the chart. */
  summary(request: AttendanceRangeRequest): AttendanceSummaryResponse {
    const { dayBoundary } = readAttendanceSettings(this.store.settings);
    const events = this.exportEvents(request);
    const days = summariseAttendance(events, dayBoundary).map((day) => ({
      date: day.date,
      personId: day.personId,
      name: day.name,
      employeeCode: day.employeeCode,
      firstIn: day.firstIn?.getTime() ?? null,
      lastOut: day.lastOut?.getTime() ?? null,
      totalMinutes: day.totalMinutes,
    }));
    const counts = new Map(datesBetween(request.from, request.to).map((date) => [date, 0]));
    for (const event of events) {
      if (event.kind === 'in') counts.set(event.attendanceDate, (counts.get(event.attendanceDate) ?? 0) + 1);
    }
    return { days, checkInsPerDay: [...counts].map(([date, count]) => ({ date, count })) };
  }

  /**
   * Writes the same CSV as `clockface export` to `request.path` (through a temporary file in the
   * same folder, so a failed write never leaves half a file) and audits it.
   */
  export(request: AttendanceExportRequest): AttendanceExportResponse {
    datesBetween(request.from, request.to);
    const csv = exportAttendanceCsv(this.store, {
      from: request.from,
      to: request.to,
      raw: request.raw ?? false,
      bom: request.bom ?? false,
    });
    const rows = request.raw
      ? this.query(request).length
      : summariseAttendance(this.exportEvents(request), readAttendanceSettings(this.store.settings).dayBoundary).length;
    const bytes = Buffer.byteLength(csv, 'utf8');
    const partial = join(dirname(request.path), `.${basename(request.path)}.${process.pid}.partial`);
    try {
      writeFileSync(partial, csv, { encoding: 'utf8', mode: 0o600 });
      renameSync(partial, request.path);
    } catch (error) {
      rmSync(partial, { force: true });
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(`${request.path}: the CSV could not be written (${code})`, { cause: error });
    }
    this.store.audit.append('attendance.export', {
      from: request.from,
      to: request.to,
      raw: request.raw ?? false,
      path: request.path,
      rows,
    });
    return { path: request.path, bytes, rows };
  }

  /**
   * Deletes events older than `olderThanDays` (default: the retention setting; 0 there keeps
   * everything). The store audits the deletion.
   */
  prune(olderThanDays?: number): AttendancePruneResponse {
    const days = olderThanDays ?? this.store.settings.get(RETENTION_DAYS);
    if (!Number.isInteger(days) || days < 0) {
      throw new AttendanceRangeError(`retention must be a whole number of days, got ${days}`);
    }
    if (days === 0) return { deleted: 0, before: null };
    const before = this.now() - days * DAY_MS;
    return { deleted: this.store.attendance.deleteBefore(new Date(before)), before };
  }

  private exportEvents(request: AttendanceRangeRequest): (ExportEvent & { id: number; attendanceDate: string })[] {
    datesBetween(request.from, request.to);
    const { dayBoundary } = readAttendanceSettings(this.store.settings);
    const range = attendanceDays(request.from, request.to, dayBoundary);
    const codes = new Map(this.store.people.list({ includeRemoved: true }).map((p) => [p.id, p.employeeCode]));
    return this.store.attendance
      .list({ ...range, ...(request.personId === undefined ? {} : { personId: request.personId }) })
      .map((event) => ({
        ...event,
        employeeCode: codes.get(event.personId) ?? null,
        attendanceDate: attendanceDayOf(event.occurredAt, dayBoundary).date,
      }));
  }
}

/** Every local date from `from` to `to`, both included; refuses a reversed or over-long range. */
export function datesBetween(from: string, to: string): string[] {
  const parse = (text: string) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const date = match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
    if (!date || formatLocalDate(date) !== text) {
      throw new AttendanceRangeError(`"${text}" is not a date of the form YYYY-MM-DD`);
    }
    return date;
  };
  const first = parse(from);
  const last = parse(to);
  if (last < first) throw new AttendanceRangeError(`the date range ends (${to}) before it starts (${from})`);
  const dates: string[] = [];
  for (let day = first; day <= last; day = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1)) {
    if (dates.length === MAX_RANGE_DAYS) {
      throw new AttendanceRangeError(`the date range ${from} to ${to} is longer than ${MAX_RANGE_DAYS} days`);
    }
    dates.push(formatLocalDate(day));
  }
  return dates;
}
