import { requireDate, requireId, requireText, type StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { describePerson } from './people.js';

export type AttendanceKind = 'in' | 'out';

export interface NewAttendanceEvent {
  readonly personId: number;
  readonly occurredAt: Date;
  readonly kind: AttendanceKind;
  /** The match distance that decided it; null for manual entries. */
  readonly distance: number | null;
  /** What recorded it: 'kiosk', 'cli', 'manual', … */
  readonly source: string;
}

export interface AttendanceEvent extends NewAttendanceEvent {
  readonly id: number;
  readonly personName: string;
}

export interface AttendanceRepository {
  /** Records an event for an active person (attendance is history, so it is not audited). */
  record(event: NewAttendanceEvent): AttendanceEvent;
  /** Events with `from <= occurredAt < to`, oldest first; day bounds are the caller's (local) midnights. */
  list(range: { readonly from: Date; readonly to: Date; readonly personId?: number }): AttendanceEvent[];
  lastForPerson(personId: number): AttendanceEvent | undefined;
  /** Deletes every event before `before` (data retention), with an audit entry; returns how many. */
  deleteBefore(before: Date): number;
}

const MAX_SOURCE_LENGTH = 200;

interface EventRow {
  id: number;
  person_id: number;
  person_name: string;
  occurred_at: number;
  kind: AttendanceKind;
  distance: number | null;
  source: string;
}

function toEvent(row: EventRow): AttendanceEvent {
  return {
    id: row.id,
    personId: row.person_id,
    personName: row.person_name,
    occurredAt: new Date(row.occurred_at),
    kind: row.kind,
    distance: row.distance,
    source: row.source,
  };
}

export function createAttendanceRepository(ctx: StoreContext): AttendanceRepository {
  const { db } = ctx;
  const select = `
    SELECT e.id, e.person_id, p.name AS person_name, e.occurred_at, e.kind, e.distance, e.source
    FROM attendance_events e JOIN people p ON p.id = e.person_id`;
  const selectPerson = db.prepare<[number], { id: number; name: string; active: number }>(
    'SELECT id, name, active FROM people WHERE id = ?',
  );
  const insert = db.prepare<[number, number, string, number | null, string]>(
    'INSERT INTO attendance_events (person_id, occurred_at, kind, distance, source) VALUES (?, ?, ?, ?, ?)',
  );
  const selectById = db.prepare<[number], EventRow>(`${select} WHERE e.id = ?`);
  const selectRange = db.prepare<[number, number], EventRow>(
    `${select} WHERE e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.id`,
  );
  const selectPersonRange = db.prepare<[number, number, number], EventRow>(
    `${select} WHERE e.person_id = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.id`,
  );
  const deleteOlder = db.prepare<[number]>('DELETE FROM attendance_events WHERE occurred_at < ?');
  const selectLast = db.prepare<[number], EventRow>(
    `${select} WHERE e.person_id = ? ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1`,
  );

  return {
    record: (event) => {
      const occurredAt = requireDate(event.occurredAt, 'attendance time');
      const source = requireText(event.source, 'attendance source', MAX_SOURCE_LENGTH);
      if (event.kind !== 'in' && event.kind !== 'out') {
        throw new StoreError('invalid-input', `attendance kind must be "in" or "out", got "${String(event.kind)}"`);
      }
      const distance = event.distance;
      if (distance !== null && !(Number.isFinite(distance) && distance >= 0)) {
        throw new StoreError('invalid-input', `match distance must be a finite number >= 0 or null, got ${distance}`);
      }
      return ctx.write(() => {
        const person = selectPerson.get(requireId(event.personId, 'person id'));
        if (!person) throw new StoreError('person-not-found', `no person with id ${event.personId}`);
        if (person.active !== 1) {
          throw new StoreError('person-removed', `${describePerson(person)} was removed; attendance was not recorded`);
        }
        const id = Number(insert.run(person.id, occurredAt, event.kind, distance, source).lastInsertRowid);
        const row = selectById.get(id);
        if (!row) throw new StoreError('sqlite-error', `${ctx.path}: the attendance event was not stored`);
        return toEvent(row);
      });
    },

    list: ({ from, to, personId }) => {
      const fromMs = requireDate(from, 'start of the range');
      const toMs = requireDate(to, 'end of the range');
      if (toMs < fromMs) throw new StoreError('invalid-input', 'the range ends before it starts');
      return ctx.read(() =>
        (personId === undefined
          ? selectRange.all(fromMs, toMs)
          : selectPersonRange.all(requireId(personId, 'person id'), fromMs, toMs)
        ).map(toEvent),
      );
    },

    deleteBefore: (before) => {
      const beforeMs = requireDate(before, 'the retention cut-off');
      return ctx.write(() => {
        const deleted = deleteOlder.run(beforeMs).changes;
        if (deleted > 0) ctx.audit('attendance.prune', { before: beforeMs, deleted });
        return deleted;
      });
    },

    lastForPerson: (personId) =>
      ctx.read(() => {
        const row = selectLast.get(requireId(personId, 'person id'));
        return row && toEvent(row);
      }),
  };
}
