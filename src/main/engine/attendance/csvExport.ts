import { stringify } from 'csv-stringify/sync';
import type { Store } from '../store/index.js';
import { attendanceDayOf, attendanceDays, formatClockTime, type AttendanceEventKind } from './attendanceRules.js';
import { readAttendanceSettings } from './attendanceService.js';

/**
 * Attendance as RFC 4180 CSV (comma-separated, fields with commas, quotes or line breaks quoted,
 * quotes doubled, CRLF between records), UTF-8, optionally with a byte-order mark so that Excel
 * reads it as UTF-8. Dates and times are the machine's local time; "Date" is the attendance day,
 * which starts at the day boundary setting, so a night shift's 02:00 check-out is listed on the
 * day the shift began.
 *
 * The summary has one row per person per attendance day: the first check-in, the last check-out
 * after it, and the time between them ("H:MM", from the minutes shown, so the columns add up).
 * This matches the kiosk's "first in, last out" rules: breaks are not recorded, so no in/out pairs
 * are summed. Last out and total are empty when there is no check-out after the first check-in.
 */

/** One stored event with what the export shows of its person. */
export interface ExportEvent {
  readonly personId: number;
  readonly personName: string;
  readonly employeeCode: string | null;
  readonly occurredAt: Date;
  readonly kind: AttendanceEventKind;
  readonly distance: number | null;
  readonly source: string;
}

export interface DaySummary {
  readonly date: string;
  readonly personId: number;
  readonly name: string;
  readonly employeeCode: string | null;
  readonly firstIn: Date | null;
  readonly lastOut: Date | null;
  /** Minutes from first in to last out, counted on whole minutes; null without both. */
  readonly totalMinutes: number | null;
}

export interface CsvFormat {
  /** Starts the file with a UTF-8 byte-order mark, for Excel. */
  readonly bom?: boolean;
}

export const SUMMARY_HEADER = ['Date', 'Name', 'Employee code', 'First in', 'Last out', 'Total'] as const;
export const RAW_HEADER = ['Date', 'Time', 'Name', 'Employee code', 'Kind', 'Distance', 'Source'] as const;

const MINUTE_MS = 60_000;
const nameOrder = new Intl.Collator('en');

/** Summarises events into one entry per person per attendance day, by date, then name. */
export function summariseAttendance(events: readonly ExportEvent[], dayBoundary: string): DaySummary[] {
  const groups = new Map<string, { date: string; events: ExportEvent[] }>();
  for (const event of events) {
    const date = attendanceDayOf(event.occurredAt, dayBoundary).date;
    const key = `${date} ${event.personId}`;
    const group = groups.get(key) ?? { date, events: [] };
    group.events.push(event);
    groups.set(key, group);
  }
  const summaries = [...groups.values()].map(({ date, events: dayEvents }) => {
    const sorted = dayEvents.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const person = sorted.at(-1) as ExportEvent;
    const firstIn = sorted.find((event) => event.kind === 'in')?.occurredAt ?? null;
    const outs = sorted.filter(
      (event) => event.kind === 'out' && (firstIn === null || event.occurredAt.getTime() >= firstIn.getTime()),
    );
    const lastOut = outs.at(-1)?.occurredAt ?? null;
    const totalMinutes = firstIn && lastOut ? wholeMinutes(lastOut) - wholeMinutes(firstIn) : null;
    return {
      date,
      personId: person.personId,
      name: person.personName,
      employeeCode: person.employeeCode,
      firstIn,
      lastOut,
      totalMinutes,
    };
  });
  return summaries.sort(
    (a, b) => compareText(a.date, b.date) || nameOrder.compare(a.name, b.name) || a.personId - b.personId,
  );
}

export function summaryCsv(events: readonly ExportEvent[], dayBoundary: string, format: CsvFormat = {}): string {
  const rows = summariseAttendance(events, dayBoundary).map((day) => [
    day.date,
    day.name,
    day.employeeCode ?? '',
    day.firstIn ? formatClockTime(day.firstIn) : '',
    day.lastOut ? formatClockTime(day.lastOut) : '',
    day.totalMinutes === null ? '' : formatDuration(day.totalMinutes),
  ]);
  return toCsv([SUMMARY_HEADER, ...rows], format);
}

/** One row per event, oldest first; distance with 4 decimals, empty for manual entries. */
export function rawCsv(events: readonly ExportEvent[], dayBoundary: string, format: CsvFormat = {}): string {
  const rows = [...events]
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
    .map((event) => [
      attendanceDayOf(event.occurredAt, dayBoundary).date,
      `${formatClockTime(event.occurredAt)}:${String(event.occurredAt.getSeconds()).padStart(2, '0')}`,
      event.personName,
      event.employeeCode ?? '',
      event.kind,
      event.distance === null ? '' : event.distance.toFixed(4),
      event.source,
    ]);
  return toCsv([RAW_HEADER, ...rows], format);
}

export interface AttendanceExportRequest {
  /** First and last attendance day, "YYYY-MM-DD", both included. */
  readonly from: string;
  readonly to: string;
  /** One row per event instead of one per person per day. */
  readonly raw?: boolean;
  readonly bom?: boolean;
}

/** The CSV of the store's attendance in the requested days, with the day boundary from the settings. */
export function exportAttendanceCsv(
  store: Pick<Store, 'people' | 'attendance' | 'settings'>,
  request: AttendanceExportRequest,
): string {
  const { dayBoundary } = readAttendanceSettings(store.settings);
  const range = attendanceDays(request.from, request.to, dayBoundary);
  // Removed people keep their rows while they have history, so every event finds its person.
  const codes = new Map(store.people.list({ includeRemoved: true }).map((person) => [person.id, person.employeeCode]));
  const events = store.attendance
    .list(range)
    .map((event) => ({ ...event, employeeCode: codes.get(event.personId) ?? null }));
  const format = { bom: request.bom ?? false };
  return request.raw ? rawCsv(events, dayBoundary, format) : summaryCsv(events, dayBoundary, format);
}

function toCsv(rows: readonly (readonly string[])[], format: CsvFormat): string {
  // quote_record_delimiter: csv-stringify stops quoting a lone "\n" or "\r" once the record delimiter
  // is set, which would split a name with a line break into two records.
  return stringify(rows as string[][], {
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    bom: format.bom ?? false,
  });
}

function wholeMinutes(at: Date): number {
  return Math.floor(at.getTime() / MINUTE_MS);
}

function formatDuration(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
