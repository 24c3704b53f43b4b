import { requireId, requireText, type StoreContext } from './context.js';
import { StoreError } from './errors.js';

export interface Person {
  readonly id: number;
  readonly name: string;
  readonly employeeCode: string | null;
  /** False once removed: the row stays only so past attendance still shows the name. */
  readonly active: boolean;
  readonly createdAt: Date;
}

export interface PersonSummary extends Person {
  readonly templateCount: number;
  readonly lastSeenAt: Date | null;
}

export interface NewPerson {
  readonly name: string;
  /** Blank or absent means none; when given it must be unique among all people, removed ones included. */
  readonly employeeCode?: string | null;
}

export interface Removal {
  readonly person: Person;
  /** 'deleted' when the person had no attendance; 'deactivated' keeps the row for their history. */
  readonly outcome: 'deleted' | 'deactivated';
  readonly templatesDeleted: number;
}

export interface PeopleRepository {
  add(person: NewPerson): Person;
  get(id: number): Person | undefined;
  /** The active person with this name, ignoring case and spacing. */
  findByName(name: string): Person | undefined;
  rename(id: number, name: string): Person;
  /** Deletes the person's templates at once; deletes the person too unless they have attendance history. */
  remove(id: number): Removal;
  /** Makes a deactivated person active again (they need new templates to be recognised). */
  restore(id: number): Person;
  /** Stores the face thumbnail (a small JPEG) of an active person, replacing any earlier one. */
  setThumbnail(id: number, jpeg: Uint8Array): void;
  /** The face thumbnail, or null when the person has none (or does not exist). */
  thumbnail(id: number): Buffer | null;
  list(options?: { includeRemoved?: boolean }): PersonSummary[];
}

const MAX_NAME_LENGTH = 200;
const MAX_EMPLOYEE_CODE_LENGTH = 64;
/** The migration's CHECK allows 64 KiB; a 96x96 JPEG is about 3 KiB. */
export const MAX_THUMBNAIL_BYTES = 65_536;

interface PersonRow {
  id: number;
  name: string;
  employee_code: string | null;
  active: number;
  created_at: number;
}

interface PersonSummaryRow extends PersonRow {
  template_count: number;
  last_seen_at: number | null;
}

/** Names are compared after trimming, collapsing spaces, Unicode normalisation and lower-casing. */
function normalizeName(name: string): { name: string; key: string } {
  const clean = requireText(name, 'person name', MAX_NAME_LENGTH).replace(/\s+/gu, ' ').normalize('NFC');
  return { name: clean, key: clean.normalize('NFKC').toLowerCase() };
}

function normalizeEmployeeCode(code: string | null | undefined): string | null {
  if (code == null || code.trim() === '') return null;
  return requireText(code, 'employee code', MAX_EMPLOYEE_CODE_LENGTH);
}

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    name: row.name,
    employeeCode: row.employee_code,
    active: row.active === 1,
    createdAt: new Date(row.created_at),
  };
}

export function describePerson(person: { id: number; name: string }): string {
  return `"${person.name}" (person ${person.id})`;
}

export function createPeopleRepository(ctx: StoreContext): PeopleRepository {
  const { db } = ctx;
  const columns = 'id, name, employee_code, active, created_at';
  const insert = db.prepare<[string, string, string | null, number], PersonRow>(
    `INSERT INTO people (name, name_key, employee_code, active, created_at) VALUES (?, ?, ?, 1, ?) RETURNING ${columns}`,
  );
  const selectById = db.prepare<[number], PersonRow>(`SELECT ${columns} FROM people WHERE id = ?`);
  const selectActiveByKey = db.prepare<[string], PersonRow>(
    `SELECT ${columns} FROM people WHERE name_key = ? AND active = 1`,
  );
  const selectByEmployeeCode = db.prepare<[string], PersonRow>(`SELECT ${columns} FROM people WHERE employee_code = ?`);
  const updateName = db.prepare<[string, string, number]>('UPDATE people SET name = ?, name_key = ? WHERE id = ?');
  const updateActive = db.prepare<[number, number]>('UPDATE people SET active = ? WHERE id = ?');
  const updateThumbnail = db.prepare<[Buffer | null, number]>('UPDATE people SET thumbnail = ? WHERE id = ?');
  const selectThumbnail = db.prepare<[number], Buffer | null>('SELECT thumbnail FROM people WHERE id = ?').pluck();
  const deletePerson = db.prepare<[number]>('DELETE FROM people WHERE id = ?');
  const deleteTemplates = db.prepare<[number]>('DELETE FROM templates WHERE person_id = ?');
  const countTemplates = db.prepare<[number], number>('SELECT COUNT(*) FROM templates WHERE person_id = ?').pluck();
  const hasAttendance = db
    .prepare<[number], number>('SELECT EXISTS (SELECT 1 FROM attendance_events WHERE person_id = ?)')
    .pluck();
  const selectSummaries = db.prepare<[number], PersonSummaryRow>(`
    SELECT p.id, p.name, p.employee_code, p.active, p.created_at,
      (SELECT COUNT(*) FROM templates t WHERE t.person_id = p.id) AS template_count,
      (SELECT MAX(e.occurred_at) FROM attendance_events e WHERE e.person_id = p.id) AS last_seen_at
    FROM people p
    WHERE p.active = 1 OR ?
    ORDER BY p.name_key, p.id`);

  const requirePerson = (id: number): PersonRow => {
    const row = selectById.get(requireId(id, 'person id'));
    if (!row) throw new StoreError('person-not-found', `no person with id ${id}`);
    return row;
  };
  const requireNameFree = (key: string, name: string, exceptId?: number): void => {
    const holder = selectActiveByKey.get(key);
    if (holder && holder.id !== exceptId) {
      throw new StoreError(
        'duplicate-name',
        `an active person is already called ${describePerson(holder)}; names must differ, ignoring case and spacing (you gave "${name}")`,
      );
    }
  };

  return {
    add: (person) => {
      const { name, key } = normalizeName(person.name);
      const employeeCode = normalizeEmployeeCode(person.employeeCode);
      return ctx.write(() => {
        requireNameFree(key, name);
        const holder = employeeCode === null ? undefined : selectByEmployeeCode.get(employeeCode);
        if (holder) {
          throw new StoreError(
            'duplicate-employee-code',
            `employee code ${employeeCode} already belongs to ${describePerson(holder)}${holder.active ? '' : ', who was removed: restore them instead'}`,
          );
        }
        const row = insert.get(name, key, employeeCode, ctx.now().getTime());
        if (!row) throw new StoreError('sqlite-error', `${ctx.path}: the new person was not stored`);
        ctx.audit('person.add', { personId: row.id, name, employeeCode });
        return toPerson(row);
      });
    },

    get: (id) =>
      ctx.read(() => {
        const row = selectById.get(requireId(id, 'person id'));
        return row && toPerson(row);
      }),

    findByName: (name) =>
      ctx.read(() => {
        const row = selectActiveByKey.get(normalizeName(name).key);
        return row && toPerson(row);
      }),

    rename: (id, newName) => {
      const { name, key } = normalizeName(newName);
      return ctx.write(() => {
        const before = requirePerson(id);
        if (before.active === 1) requireNameFree(key, name, id);
        updateName.run(name, key, id);
        ctx.audit('person.rename', { personId: id, from: before.name, to: name });
        return toPerson({ ...before, name });
      });
    },

    remove: (id) =>
      ctx.write(() => {
        const row = requirePerson(id);
        if (row.active === 0) return { person: toPerson(row), outcome: 'deactivated', templatesDeleted: 0 };
        const templatesDeleted = countTemplates.get(id) ?? 0;
        const outcome = hasAttendance.get(id) === 1 ? 'deactivated' : 'deleted';
        if (outcome === 'deleted') {
          deletePerson.run(id); // the templates go with it: ON DELETE CASCADE
        } else {
          deleteTemplates.run(id);
          updateThumbnail.run(null, id);
          updateActive.run(0, id);
        }
        ctx.audit('person.remove', { personId: id, name: row.name, outcome, templatesDeleted });
        return { person: toPerson({ ...row, active: 0 }), outcome, templatesDeleted };
      }),

    restore: (id) =>
      ctx.write(() => {
        const row = requirePerson(id);
        if (row.active === 1) return toPerson(row);
        requireNameFree(normalizeName(row.name).key, row.name);
        updateActive.run(1, id);
        ctx.audit('person.restore', { personId: id, name: row.name });
        return toPerson({ ...row, active: 1 });
      }),

    setThumbnail: (id, jpeg) => {
      if (!(jpeg instanceof Uint8Array) || jpeg.length === 0 || jpeg.length > MAX_THUMBNAIL_BYTES) {
        throw new StoreError(
          'invalid-input',
          `a thumbnail must be 1 to ${MAX_THUMBNAIL_BYTES} bytes, got ${jpeg instanceof Uint8Array ? jpeg.length : typeof jpeg}`,
        );
      }
      const bytes = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.length);
      ctx.write(() => {
        const row = requirePerson(id);
        if (row.active !== 1) {
          throw new StoreError('person-removed', `${describePerson(row)} was removed; the thumbnail was not stored`);
        }
        updateThumbnail.run(bytes, id);
      });
    },

    thumbnail: (id) => ctx.read(() => selectThumbnail.get(requireId(id, 'person id')) ?? null),

    list: (options = {}) =>
      ctx.read(() =>
        selectSummaries.all(options.includeRemoved ? 1 : 0).map((row) => ({
          ...toPerson(row),
          templateCount: row.template_count,
          lastSeenAt: row.last_seen_at === null ? null : new Date(row.last_seen_at),
        })),
      ),
  };
}
