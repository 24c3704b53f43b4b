import { useId, useState, type FormEvent } from 'react';
import { isLocalDate, LOCAL_DATE_FORMAT, localDate } from '../common/format';
import { useAttendance, type AttendanceFilter } from './attendanceStore';

type DateField = 'from' | 'to';
const DATE_LABELS: Readonly<Record<DateField, string>> = { from: 'From', to: 'To' };

/** Why a typed date cannot be used; null when it can. */
function dateProblem(field: DateField, text: string): string | null {
  if (text === '') return 'Choose both dates.';
  if (!LOCAL_DATE_FORMAT.test(text)) {
    return `${DATE_LABELS[field]}: write the date as YYYY-MM-DD, such as ${localDate(Date.now())}.`;
  }
  return isLocalDate(text) ? null : `${DATE_LABELS[field]}: ${text} is not a day of the calendar.`;
}

/**
 * Date range and person; "Show" loads them. The dates are typed as YYYY-MM-DD, as the app shows
 * them everywhere: a date picker would show the machine's format (11/16/2026 on a US locale).
 */
export function AttendanceFilterForm() {
  const id = useId();
  const current = useAttendance((state) => state.filter);
  const people = useAttendance((state) => state.people);
  const load = useAttendance((state) => state.load);
  const [filter, setFilter] = useState<AttendanceFilter>(current);
  const [problem, setProblem] = useState<{ readonly field: DateField | null; readonly message: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    for (const field of ['from', 'to'] as const) {
      const message = dateProblem(field, filter[field].trim());
      if (message) return setProblem({ field, message });
    }
    const range = { ...filter, from: filter.from.trim(), to: filter.to.trim() };
    if (range.from > range.to) return setProblem({ field: null, message: 'The first day is after the last day.' });
    setProblem(null);
    void load(range);
  };

  const dateInput = (field: DateField) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{DATE_LABELS[field]}</label>
      <input
        id={`${id}-${field}`}
        className="date-input"
        placeholder="YYYY-MM-DD"
        maxLength={10}
        spellCheck={false}
        aria-invalid={problem?.field === field}
        value={filter[field]}
        onChange={(event) => setFilter({ ...filter, [field]: event.target.value })}
      />
    </div>
  );

  return (
    <form className="row attendance-filter" onSubmit={submit} data-testid="attendance-filter">
      {dateInput('from')}
      {dateInput('to')}
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
          {problem.message}
        </p>
      )}
    </form>
  );
}
