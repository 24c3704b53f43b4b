// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceEventRow, AttendanceRangeRequest } from '../../../shared/ipc';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { person } from '../testing/fixtures';
import { AttendancePanel } from './AttendancePanel';
import { lastWeek, useAttendance } from './attendanceStore';

const at = (day: number, hour: number, minute: number) => new Date(2025, 2, day, hour, minute).getTime();

function event(
  id: number,
  personId: number,
  personName: string,
  kind: 'in' | 'out',
  occurredAt: number,
): AttendanceEventRow {
  const date = new Date(occurredAt);
  const attendanceDate = `2025-03-0${date.getDate()}`;
  return { id, personId, personName, occurredAt, attendanceDate, kind, distance: 0.412, source: 'kiosk' };
}

const EVENTS = [
  event(1, 1, 'Alice', 'in', at(3, 8, 59)),
  event(2, 2, 'Bob', 'in', at(3, 9, 5)),
  event(3, 1, 'Alice', 'out', at(3, 17, 11)),
  event(4, 1, 'Alice', 'in', at(4, 8, 30)),
];

let fake: FakeClockface;

beforeEach(() => {
  useAttendance.setState({ ...useAttendance.getInitialState(), filter: lastWeek('2025-03-05') }, true);
  fake = installFakeClockface()
    .handle('people:list', () => [person({ id: 1, name: 'Alice' }), person({ id: 2, name: 'Bob', active: false })])
    .handle('attendance:query', ({ personId }) => ({
      events: EVENTS.filter((row) => personId === undefined || row.personId === personId),
    }))
    .handle('attendance:summary', ({ from, to }) => ({
      days: [
        {
          date: '2025-03-03',
          personId: 1,
          name: 'Alice',
          employeeCode: 'E-001',
          firstIn: at(3, 8, 59),
          lastOut: at(3, 17, 11),
          totalMinutes: 492,
        },
      ],
      checkInsPerDay: [
        { date: from, count: 0 },
        { date: '2025-03-03', count: 2 },
        { date: to, count: 1 },
      ],
    }));
});

afterEach(cleanup);

describe('attendance panel', () => {
  it("loads the last week's events, per-day summary and chart", async () => {
    render(<AttendancePanel />);

    const rows = await screen.findAllByTestId('attendance-row');
    expect(fake.requests('attendance:query')).toEqual([{ from: '2025-02-27', to: '2025-03-05' }]);
    expect(
      within(rows[0] as HTMLElement)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['2025-03-03 08:59', '2025-03-03', 'Alice', 'Check-in', '0.412', 'kiosk']);
    expect(rows.map((row) => row.dataset.kind)).toEqual(['in', 'in', 'out', 'in']);
    const summary = within(screen.getByTestId('day-summary-row')).getAllByRole('cell');
    expect(summary.map((cell) => cell.textContent)).toEqual([
      '2025-03-03',
      'Alice',
      'E-001',
      '08:59',
      '17:11',
      '8 h 12 min',
    ]);

    const bars = within(screen.getByTestId('checkins-chart')).getAllByTestId('chart-bar');
    expect(bars.map((bar) => [bar.dataset.date, bar.dataset.count])).toEqual([
      ['2025-02-27', '0'],
      ['2025-03-03', '2'],
      ['2025-03-05', '1'],
    ]);
    // The tallest day fills the plot; the others in proportion.
    const heights = bars.map((bar) => Number(bar.getAttribute('height')));
    expect(heights[0]).toBe(0);
    expect(heights[2]).toBeCloseTo((heights[1] ?? 0) / 2, 6);
  });

  it('filters by date range and person, and refuses a range that ends before it starts', async () => {
    const user = userEvent.setup();
    render(<AttendancePanel />);
    await screen.findAllByTestId('attendance-row');

    // Removed people are offered too: their history is still there.
    const personSelect = screen.getByLabelText('Person');
    expect(
      within(personSelect)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Everyone', 'Alice', 'Bob']);
    // Dates are written as everywhere in the app, whatever the machine's locale.
    const from = screen.getByLabelText('From') as HTMLInputElement;
    expect([from.type, from.value, from.placeholder]).toEqual(['text', '2025-02-27', 'YYYY-MM-DD']);
    fireEvent.change(from, { target: { value: '03/01/2025' } });
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('alert').textContent).toMatch(
      /^From: write the date as YYYY-MM-DD, such as \d{4}-\d\d-\d\d\.$/,
    );
    expect(from.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2025-02-30' } });
    fireEvent.change(from, { target: { value: '2025-02-01' } });
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('alert').textContent).toBe('To: 2025-02-30 is not a day of the calendar.');
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2025-03-05' } });

    fireEvent.change(from, { target: { value: '2025-03-06' } });
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('alert').textContent).toBe('The first day is after the last day.');
    expect(from.getAttribute('aria-invalid')).toBe('false');
    expect(fake.requests('attendance:query')).toHaveLength(1);

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-03-01' } });
    await user.selectOptions(personSelect, 'Bob');
    await user.click(screen.getByRole('button', { name: 'Show' }));

    const expected: AttendanceRangeRequest = { from: '2025-03-01', to: '2025-03-05', personId: 2 };
    expect(fake.requests('attendance:query').at(-1)).toEqual(expected);
    expect(fake.requests('attendance:summary').at(-1)).toEqual(expected);
    expect(screen.getAllByTestId('attendance-row').map((row) => row.dataset.personId)).toEqual(['2']);
  });

  it('exports through the save dialog with the raw and BOM options, and does nothing when it is cancelled', async () => {
    let chosenPath: string | null = null;
    fake
      .handle('dialog:save-csv', () => ({ path: chosenPath }))
      .handle('attendance:export', ({ path }) => ({ path, bytes: 2150, rows: 4 }));
    const user = userEvent.setup();
    render(<AttendancePanel />);
    await screen.findAllByTestId('attendance-row');

    await user.click(screen.getByTestId('export-csv'));
    expect(fake.requests('dialog:save-csv')).toEqual([{ defaultName: 'attendance-2025-02-27-to-2025-03-05.csv' }]);
    expect(fake.requests('attendance:export')).toEqual([]);
    expect(screen.queryByTestId('attendance-outcome')).toBeNull();

    chosenPath = '/home/admin/march.csv';
    await user.click(screen.getByLabelText('One row per event (instead of one per person per day)'));
    await user.click(screen.getByLabelText('Byte-order mark for Excel'));
    await user.click(screen.getByTestId('export-csv'));

    expect(fake.requests('dialog:save-csv')[1]).toEqual({
      defaultName: 'attendance-events-2025-02-27-to-2025-03-05.csv',
    });
    expect(fake.requests('attendance:export')).toEqual([
      { from: '2025-02-27', to: '2025-03-05', raw: true, bom: true, path: '/home/admin/march.csv' },
    ]);
    expect((await screen.findByTestId('attendance-outcome')).textContent).toBe(
      'Saved 4 rows (2.1 kB) to /home/admin/march.csv.',
    );
  });

  it('shows why an export failed', async () => {
    fake
      .handle('dialog:save-csv', () => ({ path: '/read-only/a.csv' }))
      .handle('attendance:export', () => {
        throw new Error('/read-only/a.csv: permission denied');
      });
    const user = userEvent.setup();
    render(<AttendancePanel />);
    await user.click(screen.getByTestId('export-csv'));
    const outcome = await screen.findByTestId('attendance-outcome');
    expect([outcome.textContent, outcome.getAttribute('role')]).toEqual([
      '/read-only/a.csv: permission denied',
      'alert',
    ]);
  });

  it('prunes old events after a confirmation, then reloads', async () => {
    fake.handle('attendance:prune', () => ({ deleted: 12, before: at(1, 0, 0) }));
    const user = userEvent.setup();
    render(<AttendancePanel />);
    await screen.findAllByTestId('attendance-row');

    const days = screen.getByLabelText('Delete events older than (days)');
    await user.clear(days);
    await user.type(days, '90');
    await user.click(screen.getByRole('button', { name: 'Delete old events…' }));
    await user.click(within(screen.getByTestId('prune-dialog')).getByRole('button', { name: 'Delete' }));

    expect(fake.requests('attendance:prune')).toEqual([{ olderThanDays: 90 }]);
    expect((await screen.findByTestId('attendance-outcome')).textContent).toBe(
      'Deleted 12 events (before 2025-03-01).',
    );
    expect(fake.requests('attendance:query')).toHaveLength(2);
  });
});
