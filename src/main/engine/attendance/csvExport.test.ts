import { describe, expect, it } from 'vitest';
import { useTempStores } from '../store/testStore.js';
import { AttendanceInputError } from './attendanceRules.js';
import { ATTENDANCE_DAY_BOUNDARY } from './attendanceService.js';
import { exportAttendanceCsv, rawCsv, summariseAttendance, summaryCsv, type ExportEvent } from './csvExport.js';

// Local times in June, far from any daylight-saving change, so the CSV reads the same in every time zone.
const local = (day: number, hours: number, minutes = 0, seconds = 0) => new Date(2025, 5, day, hours, minutes, seconds);

const LOVELACE = { personId: 1, personName: 'Lovelace, Ada', employeeCode: 'E-1' };
const HOPPER = { personId: 2, personName: 'Grace "Amazing" Hopper', employeeCode: null };
const ZOE = { personId: 3, personName: 'Zoë Ñúñez 李', employeeCode: 'Z9' };
// The store refuses control characters in names; the CSV writer must still survive one.
const BROKEN = { personId: 4, personName: 'Line\nBreak\rHere', employeeCode: null };

const kiosk = { source: 'kiosk' };
const FIXTURE: ExportEvent[] = [
  { ...HOPPER, ...kiosk, occurredAt: local(11, 2, 15), kind: 'out', distance: 0.33333 },
  { ...LOVELACE, ...kiosk, occurredAt: local(10, 8, 59, 30), kind: 'in', distance: 0.41 },
  { ...LOVELACE, ...kiosk, occurredAt: local(10, 12, 0), kind: 'out', distance: 0.38 },
  { ...LOVELACE, ...kiosk, occurredAt: local(10, 17, 31, 10), kind: 'out', distance: 0.4 },
  { ...HOPPER, ...kiosk, occurredAt: local(10, 22, 0, 5), kind: 'in', distance: 0.51234 },
  { ...ZOE, ...kiosk, occurredAt: local(11, 9, 0), kind: 'in', distance: 0.29994 },
  { ...BROKEN, source: 'manual', occurredAt: local(11, 18, 0), kind: 'out', distance: null },
];

const SUMMARY =
  'Date,Name,Employee code,First in,Last out,Total\r\n' +
  '2025-06-10,"Grace ""Amazing"" Hopper",,22:00,02:15,4:15\r\n' +
  '2025-06-10,"Lovelace, Ada",E-1,08:59,17:31,8:32\r\n' +
  '2025-06-11,"Line\nBreak\rHere",,,18:00,\r\n' +
  '2025-06-11,Zoë Ñúñez 李,Z9,09:00,,\r\n';

const RAW =
  'Date,Time,Name,Employee code,Kind,Distance,Source\r\n' +
  '2025-06-10,08:59:30,"Lovelace, Ada",E-1,in,0.4100,kiosk\r\n' +
  '2025-06-10,12:00:00,"Lovelace, Ada",E-1,out,0.3800,kiosk\r\n' +
  '2025-06-10,17:31:10,"Lovelace, Ada",E-1,out,0.4000,kiosk\r\n' +
  '2025-06-10,22:00:05,"Grace ""Amazing"" Hopper",,in,0.5123,kiosk\r\n' +
  '2025-06-10,02:15:00,"Grace ""Amazing"" Hopper",,out,0.3333,kiosk\r\n' +
  '2025-06-11,09:00:00,Zoë Ñúñez 李,Z9,in,0.2999,kiosk\r\n' +
  '2025-06-11,18:00:00,"Line\nBreak\rHere",,out,,manual\r\n';

/** A strict RFC 4180 reader, to prove the files read back as the fields that were written. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else {
      throw new Error(`expected a comma or CRLF at ${i}`);
    }
  }
  return records;
}

describe('attendance CSV', () => {
  it('writes one row per person per attendance day: first in, last out, total (night shift on its first day)', () => {
    expect(summaryCsv(FIXTURE, '04:00')).toBe(SUMMARY);
  });

  it('writes one row per event with --raw, oldest first', () => {
    expect(rawCsv(FIXTURE, '04:00')).toBe(RAW);
  });

  it('starts with a UTF-8 byte-order mark only when asked', () => {
    const withBom = summaryCsv(FIXTURE, '04:00', { bom: true });
    expect(withBom).toBe(`\uFEFF${SUMMARY}`);
    expect([...Buffer.from(withBom, 'utf8').subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x44]);
    expect(rawCsv(FIXTURE, '04:00', { bom: true })).toBe(`\uFEFF${RAW}`);
    expect(Buffer.from(SUMMARY, 'utf8')[0]).toBe(0x44);
  });

  it('reads back as exactly the names, commas, quotes, line breaks and all', () => {
    const summary = parseCsv(summaryCsv(FIXTURE, '04:00'));
    expect(summary.map((row) => row[1])).toEqual(['Name', ...[HOPPER, LOVELACE, BROKEN, ZOE].map((p) => p.personName)]);
    expect(summary.every((row) => row.length === 6)).toBe(true);
    const raw = parseCsv(rawCsv(FIXTURE, '04:00'));
    expect(raw).toHaveLength(8);
    expect(raw[7]).toEqual(['2025-06-11', '18:00:00', 'Line\nBreak\rHere', '', 'out', '', 'manual']);
  });

  it('counts the total from the minutes shown, ignoring check-outs before the first check-in', () => {
    const events: ExportEvent[] = [
      { ...LOVELACE, ...kiosk, occurredAt: local(10, 7, 0), kind: 'out', distance: 0.4 },
      { ...LOVELACE, ...kiosk, occurredAt: local(10, 8, 59, 59), kind: 'in', distance: 0.4 },
      { ...LOVELACE, ...kiosk, occurredAt: local(10, 9, 0, 0), kind: 'out', distance: 0.4 },
    ];
    expect(summariseAttendance(events, '04:00')).toEqual([
      {
        date: '2025-06-10',
        personId: 1,
        name: 'Lovelace, Ada',
        employeeCode: 'E-1',
        firstIn: local(10, 8, 59, 59),
        lastOut: local(10, 9, 0),
        totalMinutes: 1,
      },
    ]);
    // An "out" alone (a manual entry before any check-in) shows no total.
    expect(summaryCsv(events.slice(0, 1), '04:00')).toBe(
      'Date,Name,Employee code,First in,Last out,Total\r\n2025-06-10,"Lovelace, Ada",E-1,,07:00,\r\n',
    );
  });

  it('writes only the header when there is nothing to export', () => {
    expect(summaryCsv([], '04:00')).toBe('Date,Name,Employee code,First in,Last out,Total\r\n');
    expect(rawCsv([], '04:00', { bom: true })).toBe('\uFEFFDate,Time,Name,Employee code,Kind,Distance,Source\r\n');
  });
});

describe('exporting the store', () => {
  const temp = useTempStores();

  function storeWithFixture() {
    const store = temp.open();
    const lovelace = store.people.add({ name: 'Lovelace, Ada', employeeCode: 'E-1' });
    const hopper = store.people.add({ name: 'Grace "Amazing" Hopper' });
    const zoe = store.people.add({ name: 'Zoë Ñúñez 李', employeeCode: 'Z9' });
    const record = (personId: number, occurredAt: Date, kind: 'in' | 'out', distance: number) =>
      store.attendance.record({ personId, occurredAt, kind, distance, source: 'kiosk' });
    record(lovelace.id, local(9, 9, 0), 'in', 0.4);
    record(lovelace.id, local(10, 8, 59, 30), 'in', 0.41);
    record(lovelace.id, local(10, 17, 31, 10), 'out', 0.4);
    record(hopper.id, local(10, 22, 0, 5), 'in', 0.51234);
    record(hopper.id, local(11, 2, 15), 'out', 0.33333);
    record(zoe.id, local(11, 9, 0), 'in', 0.29994);
    return { store, zoe };
  }

  it('exports the requested attendance days, both included, by the stored day boundary', () => {
    const { store, zoe } = storeWithFixture();
    // Zoë is removed but keeps her history, and her employee code with it.
    store.people.remove(zoe.id);
    expect(exportAttendanceCsv(store, { from: '2025-06-10', to: '2025-06-11' })).toBe(
      'Date,Name,Employee code,First in,Last out,Total\r\n' +
        '2025-06-10,"Grace ""Amazing"" Hopper",,22:00,02:15,4:15\r\n' +
        '2025-06-10,"Lovelace, Ada",E-1,08:59,17:31,8:32\r\n' +
        '2025-06-11,Zoë Ñúñez 李,Z9,09:00,,\r\n',
    );
    // The night shift's 02:15 check-out is on the 11th by the calendar but in the 10th's attendance day.
    expect(exportAttendanceCsv(store, { from: '2025-06-10', to: '2025-06-10', raw: true, bom: true })).toBe(
      '\uFEFFDate,Time,Name,Employee code,Kind,Distance,Source\r\n' +
        '2025-06-10,08:59:30,"Lovelace, Ada",E-1,in,0.4100,kiosk\r\n' +
        '2025-06-10,17:31:10,"Lovelace, Ada",E-1,out,0.4000,kiosk\r\n' +
        '2025-06-10,22:00:05,"Grace ""Amazing"" Hopper",,in,0.5123,kiosk\r\n' +
        '2025-06-10,02:15:00,"Grace ""Amazing"" Hopper",,out,0.3333,kiosk\r\n',
    );
  });

  it('follows a changed day boundary: with midnight days the night shift splits in two', () => {
    const { store } = storeWithFixture();
    store.settings.set(ATTENDANCE_DAY_BOUNDARY, '00:00');
    expect(exportAttendanceCsv(store, { from: '2025-06-11', to: '2025-06-11' })).toBe(
      'Date,Name,Employee code,First in,Last out,Total\r\n' +
        '2025-06-11,"Grace ""Amazing"" Hopper",,,02:15,\r\n' +
        '2025-06-11,Zoë Ñúñez 李,Z9,09:00,,\r\n',
    );
  });

  it('refuses bad dates and reversed ranges with specific errors', () => {
    const { store } = storeWithFixture();
    const refuse = (request: { from: string; to: string }, code: string, message: string) => {
      let error: unknown;
      try {
        exportAttendanceCsv(store, request);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AttendanceInputError);
      expect(error).toMatchObject({ code, message });
    };
    refuse(
      { from: '2025-06-31', to: '2025-07-01' },
      'invalid-date',
      '"2025-06-31" is not a date of the form YYYY-MM-DD',
    );
    refuse(
      { from: '2025-06-10', to: '10/06/2025' },
      'invalid-date',
      '"10/06/2025" is not a date of the form YYYY-MM-DD',
    );
    refuse(
      { from: '2025-06-11', to: '2025-06-10' },
      'invalid-range',
      'the date range ends (2025-06-10) before it starts (2025-06-11)',
    );
  });
});
