import { useEffect } from 'react';
import { AttendanceEventsTable } from './AttendanceEventsTable';
import { AttendanceFilterForm } from './AttendanceFilterForm';
import { CheckInsChart } from './CheckInsChart';
import { DaySummaryTable } from './DaySummaryTable';
import { ExportCsv } from './ExportCsv';
import { RetentionPrune } from './RetentionPrune';
import { useAttendance } from './attendanceStore';
import './attendance.css';

export function AttendancePanel() {
  const { filter, events, summary, loading, error, outcome, load, loadPeople } = useAttendance();

  useEffect(() => {
    void loadPeople();
    void load(useAttendance.getState().filter);
  }, [load, loadPeople]);

  return (
    <div className="stack" aria-busy={loading}>
      <h2>Attendance</h2>
      <AttendanceFilterForm />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <section className="card stack" aria-labelledby="attendance-export">
        <h3 id="attendance-export">
          Export {filter.from} to {filter.to}
        </h3>
        <ExportCsv />
        <RetentionPrune />
        {outcome && (
          <p
            className={outcome.ok ? 'notice' : 'error'}
            role={outcome.ok ? 'status' : 'alert'}
            data-testid="attendance-outcome"
          >
            {outcome.message}
          </p>
        )}
      </section>
      {summary && (
        <section className="stack" aria-labelledby="attendance-chart">
          <h3 id="attendance-chart">Check-ins per day</h3>
          <CheckInsChart days={summary.checkInsPerDay} />
          <h3>Per day</h3>
          <DaySummaryTable days={summary.days} />
        </section>
      )}
      <section className="stack" aria-labelledby="attendance-events">
        <h3 id="attendance-events">Events</h3>
        <AttendanceEventsTable events={events} />
      </section>
    </div>
  );
}
