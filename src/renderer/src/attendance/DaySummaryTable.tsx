import type { AttendanceDayRow } from '../../../shared/ipc';
import { clockTime, duration } from '../common/format';

/** One row per person per day: first in, last out, time between. */
export function DaySummaryTable({ days }: { readonly days: readonly AttendanceDayRow[] }) {
  if (days.length === 0) return null;
  return (
    <table data-testid="day-summary">
      <caption className="visually-hidden">Per-day summary</caption>
      <thead>
        <tr>
          <th>Day</th>
          <th>Person</th>
          <th>Employee code</th>
          <th>First in</th>
          <th>Last out</th>
          <th className="number">Time</th>
        </tr>
      </thead>
      <tbody>
        {days.map((day) => (
          <tr key={`${day.date}-${day.personId}`} data-testid="day-summary-row">
            <td>{day.date}</td>
            <td>{day.name}</td>
            <td>{day.employeeCode ?? '—'}</td>
            <td>{day.firstIn === null ? '—' : clockTime(day.firstIn)}</td>
            <td>{day.lastOut === null ? '—' : clockTime(day.lastOut)}</td>
            <td className="number">{day.totalMinutes === null ? '—' : duration(day.totalMinutes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
