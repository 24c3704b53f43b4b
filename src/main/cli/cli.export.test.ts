import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { attendanceDayOf } from '../engine/attendance/attendanceRules.js';
import { ATTENDANCE_DAY_BOUNDARY } from '../engine/attendance/attendanceService.js';
import { openStore } from '../engine/store/index.js';
import { parseJson, useCliWorkspace, type CliRun } from './cliTestSupport.js';

/**
 * `clockface export` on a real store: the exact CSV on stdout or in an atomically written file,
 * the default date range, and a specific one-line reason for each bad input with nothing written.
 */

// Local times in June, far from any daylight-saving change: the CLI runs in this process's time zone.
const local = (day: number, hours: number, minutes = 0, seconds = 0) => new Date(2025, 5, day, hours, minutes, seconds);

const SUMMARY =
  'Date,Name,Employee code,First in,Last out,Total\r\n' +
  '2025-06-09,"Lovelace, Ada",E-1,09:00,17:00,8:00\r\n' +
  '2025-06-10,"Curie, Marie",R-7,07:45,16:10,8:25\r\n' +
  '2025-06-10,"Grace ""Amazing"" Hopper",,22:00,02:15,4:15\r\n' +
  '2025-06-10,"Lovelace, Ada",E-1,08:59,17:31,8:32\r\n' +
  '2025-06-11,"Line\nBreak",L-1,,18:00,\r\n' +
  '2025-06-11,Zoë Ñúñez 李,Z9,09:00,,\r\n';

const RAW =
  'Date,Time,Name,Employee code,Kind,Distance,Source\r\n' +
  '2025-06-09,09:00:00,"Lovelace, Ada",E-1,in,0.4000,kiosk\r\n' +
  '2025-06-09,17:00:00,"Lovelace, Ada",E-1,out,0.3900,kiosk\r\n' +
  '2025-06-10,07:45:00,"Curie, Marie",R-7,in,0.3500,kiosk\r\n' +
  '2025-06-10,08:59:30,"Lovelace, Ada",E-1,in,0.4100,kiosk\r\n' +
  '2025-06-10,12:00:00,"Lovelace, Ada",E-1,out,0.3800,kiosk\r\n' +
  '2025-06-10,16:10:00,"Curie, Marie",R-7,out,0.3600,kiosk\r\n' +
  '2025-06-10,17:31:10,"Lovelace, Ada",E-1,out,0.4000,kiosk\r\n' +
  '2025-06-10,22:00:05,"Grace ""Amazing"" Hopper",,in,0.5123,kiosk\r\n' +
  '2025-06-10,02:15:00,"Grace ""Amazing"" Hopper",,out,0.3333,kiosk\r\n' +
  '2025-06-11,09:00:00,Zoë Ñúñez 李,Z9,in,0.2999,kiosk\r\n' +
  '2025-06-11,18:00:00,"Line\nBreak",L-1,out,,manual\r\n';

interface ExportReport {
  out: string;
  rows: number;
  from: string;
  to: string;
}

/** Today's attendance day (default boundary 04:00) before and after `run`: the CLI's "today" is one of them. */
async function todayAround(run: () => Promise<CliRun>): Promise<{ run: CliRun; today: string[] }> {
  const before = attendanceDayOf(new Date(), '04:00').date;
  const result = await run();
  return { run: result, today: [...new Set([before, attendanceDayOf(new Date(), '04:00').date])] };
}

describe('clockface export', () => {
  const cli = useCliWorkspace();

  /** Five people and eleven events over 9-11 June, written through the store as the kiosk would. */
  function seedAttendance(): void {
    const store = openStore(cli.db);
    try {
      const ada = store.people.add({ name: 'Lovelace, Ada', employeeCode: 'E-1' });
      const grace = store.people.add({ name: 'Grace "Amazing" Hopper' });
      const zoe = store.people.add({ name: 'Zoë Ñúñez 李', employeeCode: 'Z9' });
      const marie = store.people.add({ name: 'Curie, Marie', employeeCode: 'R-7' });
      const broken = store.people.add({ name: 'Line Break', employeeCode: 'L-1' });
      const record = (personId: number, occurredAt: Date, kind: 'in' | 'out', distance: number | null) =>
        store.attendance.record({
          personId,
          occurredAt,
          kind,
          distance,
          source: distance === null ? 'manual' : 'kiosk',
        });
      record(ada.id, local(9, 9, 0), 'in', 0.4);
      record(ada.id, local(9, 17, 0), 'out', 0.39);
      record(marie.id, local(10, 7, 45), 'in', 0.35);
      record(ada.id, local(10, 8, 59, 30), 'in', 0.41);
      record(ada.id, local(10, 12, 0), 'out', 0.38);
      record(marie.id, local(10, 16, 10), 'out', 0.36);
      record(ada.id, local(10, 17, 31, 10), 'out', 0.4);
      // A night shift: the 02:15 check-out belongs to the attendance day that began at 04:00 on the 10th.
      record(grace.id, local(10, 22, 0, 5), 'in', 0.51234);
      record(grace.id, local(11, 2, 15), 'out', 0.33333);
      record(zoe.id, local(11, 9, 0), 'in', 0.29994);
      record(broken.id, local(11, 18, 0), 'out', null);
      // Marie leaves: she is deactivated, and her history (with her employee code) stays.
      expect(store.people.remove(marie.id).outcome).toBe('deactivated');
    } finally {
      store.close();
    }
    // The store refuses control characters in names; a row written by hand or by another tool can
    // still hold a line break, and the CSV must keep it inside one quoted field.
    const db = new Database(cli.db);
    try {
      db.prepare("UPDATE people SET name = 'Line' || char(10) || 'Break' WHERE employee_code = 'L-1'").run();
    } finally {
      db.close();
    }
  }

  /** Files in the test's folder other than the database and its journals. */
  const filesBesideDatabase = () => readdirSync(cli.dir).filter((file) => !file.startsWith('clockface.db'));

  it('writes one row per person per attendance day to stdout, the removed person and the night shift included', async () => {
    seedAttendance();
    expect(await cli.run('export', '--from', '2025-06-09', '--to', '2025-06-11')).toEqual({
      code: 0,
      stdout: SUMMARY,
      stderr: '',
    });
    // Both ends are included; the night shift's check-out stays on the 10th.
    expect(await cli.run('export', '--from', '2025-06-10', '--to', '2025-06-10')).toEqual({
      code: 0,
      stdout:
        'Date,Name,Employee code,First in,Last out,Total\r\n' +
        '2025-06-10,"Curie, Marie",R-7,07:45,16:10,8:25\r\n' +
        '2025-06-10,"Grace ""Amazing"" Hopper",,22:00,02:15,4:15\r\n' +
        '2025-06-10,"Lovelace, Ada",E-1,08:59,17:31,8:32\r\n',
      stderr: '',
    });
    expect(filesBesideDatabase()).toEqual([]);
  });

  it('writes one row per event with --raw, and starts with a byte-order mark with --bom', async () => {
    seedAttendance();
    expect(await cli.run('export', '--raw', '--from', '2025-06-09', '--to', '2025-06-11')).toEqual({
      code: 0,
      stdout: RAW,
      stderr: '',
    });
    const withBom = await cli.run('export', '--raw', '--bom', '--from', '2025-06-09', '--to', '2025-06-11');
    expect(withBom).toEqual({ code: 0, stdout: `\uFEFF${RAW}`, stderr: '' });

    const out = cli.path('attendance.csv');
    const written = await cli.run('export', '--bom', '--from', '2025-06-09', '--to', '2025-06-11', '--out', out);
    expect(written.code).toBe(0);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x44]);
    expect(bytes.subarray(3).toString('utf8')).toBe(SUMMARY);
    // Without --bom the file starts with the header's "D".
    await cli.run('export', '--from', '2025-06-09', '--to', '2025-06-11', '--out', out);
    expect(readFileSync(out)[0]).toBe(0x44);
  });

  it('with --out writes the file (replacing an old one), leaves no temporary file, and prints a summary', async () => {
    seedAttendance();
    const out = cli.path('attendance.csv');
    writeFileSync(out, 'an older export, longer than nothing\n'.repeat(1000));
    const run = await cli.run('export', '--from', '2025-06-09', '--to', '2025-06-11', '--out', out);
    expect(run).toEqual({
      code: 0,
      stdout: `exported 6 row(s) for 2025-06-09 to 2025-06-11 into ${out}\n`,
      stderr: '',
    });
    expect(readFileSync(out, 'utf8')).toBe(SUMMARY);

    const raw = cli.path('raw.csv');
    const json = await cli.run('export', '--raw', '--from', '2025-06-09', '--to', '2025-06-11', '--out', raw, '--json');
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(parseJson<ExportReport>(json)).toEqual({ out: raw, rows: 11, from: '2025-06-09', to: '2025-06-11' });
    expect(readFileSync(raw, 'utf8')).toBe(RAW);
    expect(filesBesideDatabase().sort()).toEqual(['attendance.csv', 'raw.csv']);
  });

  it('runs from the first attendance day to today by default, and follows the stored day boundary', async () => {
    seedAttendance();
    const out = cli.path('all.csv');
    const { run, today } = await todayAround(() => cli.run('export', '--out', out, '--json'));
    expect(run.code).toBe(0);
    const report = parseJson<ExportReport>(run);
    expect(today).toContain(report.to);
    expect(report).toEqual({ out, rows: 6, from: '2025-06-09', to: report.to });
    expect(readFileSync(out, 'utf8')).toBe(SUMMARY);
    const onlyTo = await cli.run('export', '--to', '2025-06-10');
    // Only --to: from the first attendance day (the 9th) to the 10th.
    expect(onlyTo.stdout).toBe(
      'Date,Name,Employee code,First in,Last out,Total\r\n' +
        '2025-06-09,"Lovelace, Ada",E-1,09:00,17:00,8:00\r\n' +
        '2025-06-10,"Curie, Marie",R-7,07:45,16:10,8:25\r\n' +
        '2025-06-10,"Grace ""Amazing"" Hopper",,22:00,02:15,4:15\r\n' +
        '2025-06-10,"Lovelace, Ada",E-1,08:59,17:31,8:32\r\n',
    );

    // With days starting at midnight the night shift splits: its check-out is alone on the 11th.
    const store = openStore(cli.db);
    store.settings.set(ATTENDANCE_DAY_BOUNDARY, '00:00');
    store.close();
    expect(await cli.run('export', '--from', '2025-06-11', '--to', '2025-06-11')).toEqual({
      code: 0,
      stdout:
        'Date,Name,Employee code,First in,Last out,Total\r\n' +
        '2025-06-11,"Grace ""Amazing"" Hopper",,,02:15,\r\n' +
        '2025-06-11,"Line\nBreak",L-1,,18:00,\r\n' +
        '2025-06-11,Zoë Ñúñez 李,Z9,09:00,,\r\n',
      stderr: '',
    });
  });

  it('exports only the header, for today, from a database with no attendance yet', async () => {
    openStore(cli.db).close();
    const out = cli.path('empty.csv');
    const { run, today } = await todayAround(() => cli.run('export', '--out', out, '--json'));
    const report = parseJson<ExportReport>(run);
    expect(today).toContain(report.to);
    expect(report).toEqual({ out, rows: 0, from: report.to, to: report.to });
    expect(readFileSync(out, 'utf8')).toBe('Date,Name,Employee code,First in,Last out,Total\r\n');
  });

  it('reads what is committed while another process holds the write lock', async () => {
    seedAttendance();
    const writer = new Database(cli.db);
    try {
      writer.exec('BEGIN IMMEDIATE');
      writer.prepare('DELETE FROM attendance_events').run();
      expect(await cli.run('export', '--raw', '--from', '2025-06-09', '--to', '2025-06-11')).toEqual({
        code: 0,
        stdout: RAW,
        stderr: '',
      });
      writer.exec('ROLLBACK');
    } finally {
      writer.close();
    }
  });

  it('refuses each bad input with its own one-line reason and writes nothing', async () => {
    seedAttendance();
    mkdirSync(cli.path('reports'));
    const out = cli.path('attendance.csv');
    const missingFolder = cli.path('missing', 'attendance.csv');
    const failure = (code: number, reason: string) => ({ code, stdout: '', stderr: `clockface: ${reason}\n` });
    const runs = await Promise.all([
      cli.run('export', '--from', '2025-6-9', '--out', out),
      cli.run('export', '--to', '10/06/2025', '--out', out),
      cli.run('export', '--from', '2026-02-30', '--out', out),
      cli.run('export', '--to', '2025-13-01', '--out', out),
      cli.run('export', '--from', '0050-01-01', '--out', out),
      cli.run('export', '--from', '2025-06-11', '--to', '2025-06-10', '--out', out),
      cli.run('export', '--from', '2999-01-01', '--out', out),
      cli.run('export', '--out', missingFolder),
      cli.run('export', '--out', cli.path('reports')),
      cli.run('export', '--json'),
      cli.run('export', 'attendance.csv'),
    ]);
    const today = attendanceDayOf(new Date(), '04:00').date;
    expect(runs).toEqual([
      failure(2, '--from must be a date YYYY-MM-DD, got "2025-6-9"'),
      failure(2, '--to must be a date YYYY-MM-DD, got "10/06/2025"'),
      failure(2, '--from 2026-02-30 does not exist: 2026-02 has 28 days'),
      failure(2, '--to 2025-13-01 does not exist: there is no month 13'),
      failure(2, '--from 0050-01-01 is before 1970, when no attendance can have been recorded'),
      failure(2, '--from 2025-06-11 is after --to 2025-06-10'),
      failure(2, `--from 2999-01-01 is after --to ${today} (today)`),
      failure(1, `--out ${missingFolder}: the folder ${cli.path('missing')} does not exist`),
      failure(1, `--out ${cli.path('reports')} is a folder; give the name of the CSV file to write`),
      failure(2, '--json needs --out <file>: without it the CSV itself is written to stdout'),
      failure(2, 'usage: clockface export [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out file.csv] [--raw] [--bom]'),
    ]);
    expect(filesBesideDatabase()).toEqual(['reports']);
    expect(readdirSync(cli.path('reports'))).toEqual([]);
  });

  it('refuses a database that does not exist instead of creating an empty one', async () => {
    const out = cli.path('attendance.csv');
    expect(await cli.run('export', '--out', out)).toEqual({
      code: 1,
      stdout: '',
      stderr: `clockface: no database at ${cli.db}: nothing to export (give --db <path> of an existing one)\n`,
    });
    expect(existsSync(cli.db)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('fails cleanly on a database another process holds exclusively, and exports once it lets go', async () => {
    seedAttendance();
    const out = cli.path('attendance.csv');
    const holder = new Database(cli.db);
    let locked: CliRun;
    try {
      // Exclusive locking mode keeps every other connection out, readers included.
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec('BEGIN EXCLUSIVE');
      locked = await cli.run('export', '--from', '2025-06-09', '--to', '2025-06-11', '--out', out);
      holder.exec('COMMIT');
    } finally {
      holder.close();
    }
    expect(locked).toEqual({
      code: 1,
      stdout: '',
      stderr: `clockface: database is locked by another Clockface process: ${cli.db}\n`,
    });
    expect(existsSync(out)).toBe(false);
    const retried = await cli.run('export', '--from', '2025-06-09', '--to', '2025-06-11', '--out', out);
    expect(retried.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(SUMMARY);
  });
});
