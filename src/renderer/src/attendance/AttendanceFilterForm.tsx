import { useId, useState, type FormEvent } from 'react';
import { useAttendance, type AttendanceFilter } from './attendanceStore';

/** Date range and person; "Show" loads them. */
export function AttendanceFilterForm() {
  const id = useId();
  const current = useAttendance((state) => state.filter);
  const people = useAttendance((state) => state.people);
  const load = useAttendance((state) => state.load);
  const [filter, setFilter] = useState<AttendanceFilter>(current);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (filter.from === '' || filter.to === '') return setProblem('Choose both dates.');
    if (filter.from > filter.to) return setProblem('The first day is after the last day.');
    setProblem(null);
    void load(filter);
  };

  return (
    <form className="row attendance-filter" onSubmit={submit} data-testid="attendance-filter">
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={filter.from}
          onChange={(event) => setFilter({ ...filter, from: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={filter.to}
          onChange={(event) => setFilter({ ...filter, to: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-person`}>Person</label>
        <select
          id={`${id}-person`}
          value={filter.personId ?? ''}
          onChange={(event) =>
            setFilter({ ...filter, personId: event.target.value === '' ? null : Number(event.target.value) })
          }
        >
          <option value="">Everyone</option>
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary">
        Show
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
