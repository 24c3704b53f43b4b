import type { AttendanceEventRow } from '../../../shared/ipc';
import { dateTime } from '../common/format';

export function AttendanceEventsTable({ events }: { readonly events: readonly AttendanceEventRow[] }) {
  if (events.length === 0) return <p className="muted">No check-ins or check-outs in this range.</p>;
  return (
    <table data-testid="attendance-events">
      <caption className="visually-hidden">Attendance events</caption>
      <thead>
        <tr>
          <th>Time</th>
          <th>Day</th>
          <th>Person</th>
          <th>Event</th>
          <th className="number">Distance</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id} data-testid="attendance-row" data-person-id={event.personId} data-kind={event.kind}>
            <td>{dateTime(event.occurredAt)}</td>
            <td>{event.attendanceDate}</td>
            <td>{event.personName}</td>
            <td>{event.kind === 'in' ? 'Check-in' : 'Check-out'}</td>
            <td className="number">{event.distance === null ? '—' : event.distance.toFixed(3)}</td>
            <td>{event.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
