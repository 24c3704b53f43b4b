import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { attendanceDay, attendanceDayOf } from '../engine/attendance/attendanceRules.js';
import { readAttendanceSettings } from '../engine/attendance/attendanceService.js';
import { exportAttendanceCsv } from '../engine/attendance/csvExport.js';
import { openStore, type Store } from '../engine/store/index.js';
import type { Command } from './commands.js';
import { CommandError } from './output.js';

const USAGE = '[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out file.csv] [--raw] [--bom]';

/**
 * `clockface export`: attendance as CSV, one row per person per attendance day (or per event with
 * --raw), to stdout or atomically into a file. It needs only the store, so no model is loaded.
 */
export const exportCommand: Command = {
  usage: USAGE,
  summary: 'attendance as CSV: one row per person per day, or per event with --raw; --bom for Excel',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    raw: { type: 'boolean', default: false },
    bom: { type: 'boolean', default: false },
  },
  async run(context) {
    if (context.positionals.length > 0) throw new CommandError(`usage: clockface export ${USAGE}`, 2);
    const { options, output } = context;
    const fromOption = typeof options['from'] === 'string' ? requireDate('from', options['from']) : undefined;
    const toOption = typeof options['to'] === 'string' ? requireDate('to', options['to']) : undefined;
    const out = typeof options['out'] === 'string' ? requireOutFile(options['out']) : undefined;
    if (output.json && out === undefined) {
      throw new CommandError('--json needs --out <file>: without it the CSV itself is written to stdout', 2);
    }
    // Every other command creates the database it is given; an export from a mistyped path would
    // silently be an empty file instead.
    if (!existsSync(context.dbPath)) {
      throw new CommandError(
        `no database at ${context.dbPath}: nothing to export (give --db <path> of an existing one)`,
      );
    }

    const store = openStore(context.dbPath, { actor: 'cli' });
    try {
      const { dayBoundary } = readAttendanceSettings(store.settings);
      const to = toOption ?? attendanceDayOf(new Date(), dayBoundary).date;
      const from = fromOption ?? firstAttendanceDay(store, to, dayBoundary);
      // The first attendance day is never after `to`: only a given --from can be.
      if (from > to) {
        throw new CommandError(`--from ${from} is after --to ${to}${toOption === undefined ? ' (today)' : ''}`, 2);
      }
      const csv = exportAttendanceCsv(store, { from, to, raw: options['raw'] === true, bom: options['bom'] === true });
      if (out === undefined) {
        process.stdout.write(csv);
        return 0;
      }
      writeFileAtomically(out, csv);
      const rows = countDataRows(csv);
      output.line(`exported ${rows} row(s) for ${from} to ${to} into ${out}`);
      output.document({ out, rows, from, to });
      return 0;
    } finally {
      store.close();
    }
  },
};

const DATE_FORM = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date "YYYY-MM-DD" that exists, or a CommandError saying which of the two it is not. */
function requireDate(option: 'from' | 'to', value: string): string {
  const parts = DATE_FORM.exec(value);
  if (!parts) throw new CommandError(`--${option} must be a date YYYY-MM-DD, got "${value}"`, 2);
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Times are stored as milliseconds since 1970; leaving --from out already means "from the first record".
  if (year < 1970)
    throw new CommandError(`--${option} ${value} is before 1970, when no attendance can have been recorded`, 2);
  if (month < 1 || month > 12)
    throw new CommandError(`--${option} ${value} does not exist: there is no month ${parts[2]}`, 2);
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(year, month, 0).getDate();
  if (day < 1 || day > daysInMonth) {
    throw new CommandError(`--${option} ${value} does not exist: ${parts[1]}-${parts[2]} has ${daysInMonth} days`, 2);
  }
  return value;
}

/** The file --out names, checked before anything is read: its folder exists and it is not a folder itself. */
function requireOutFile(out: string): string {
  const file = resolve(out);
  const folder = dirname(file);
  if (!existsSync(folder)) throw new CommandError(`--out ${out}: the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new CommandError(`--out ${out}: ${folder} is not a folder`);
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new CommandError(`--out ${out} is a folder; give the name of the CSV file to write`);
  }
  return file;
}

/** The attendance day of the store's first event up to `to`, or `to` itself when there is none. */
function firstAttendanceDay(store: Store, to: string, dayBoundary: string): string {
  const [first] = store.attendance.list({ from: new Date(0), to: attendanceDay(to, dayBoundary).to });
  return first ? attendanceDayOf(first.occurredAt, dayBoundary).date : to;
}

/**
 * Writes a temporary file beside `file`, flushes it to disk and renames it over `file`: a reader
 * sees the old file or the whole new one, and a failure leaves no half-written CSV behind.
 */
function writeFileAtomically(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CommandError(`cannot write ${file} (${code}); nothing was written`);
  }
}

/** Records after the header: each ends with CRLF, and a CRLF inside a quoted field is part of that field. */
function countDataRows(csv: string): number {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    if (csv[i] === '"') quoted = !quoted;
    else if (!quoted && csv[i] === '\r' && csv[i + 1] === '\n') records++;
  }
  return records - 1;
}
