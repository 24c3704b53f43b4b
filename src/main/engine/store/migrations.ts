import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';

/**
 * The schema, one numbered step at a time. `PRAGMA user_version` records the last step applied;
 * each step runs in its own transaction together with the version bump, so a failed step leaves
 * the database exactly as the previous one did. Never edit a shipped step: append a new one.
 *
 * Timestamps are INTEGER milliseconds since the Unix epoch (UTC): unambiguous, cheap to compare,
 * and range queries need no string formats to agree.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Marks the file as Clockface's ('Clkf'), so another program's SQLite database is never altered. */
export const CLOCKFACE_APPLICATION_ID = 0x436c6b66;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'people, templates, attendance, settings, audit log',
    sql: `
      PRAGMA application_id = ${CLOCKFACE_APPLICATION_ID};

      -- name_key is the name folded for comparison (see people.ts): unique among active people only,
      -- so a removed person's name can be given to someone new.
      CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) > 0),
        name_key TEXT NOT NULL,
        employee_code TEXT CHECK (length(employee_code) > 0),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX people_active_name ON people (name_key) WHERE active = 1;
      CREATE UNIQUE INDEX people_employee_code ON people (employee_code) WHERE employee_code IS NOT NULL;

      CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        model_id TEXT NOT NULL CHECK (length(model_id) > 0),
        dimension INTEGER NOT NULL CHECK (dimension > 0),
        embedding BLOB NOT NULL CHECK (length(embedding) = 4 * dimension),
        quality TEXT NOT NULL CHECK (json_valid(quality)),
        source TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX templates_person ON templates (person_id);
      CREATE INDEX templates_model ON templates (model_id);

      -- No cascade: attendance history outlives enrolment; people with history are only deactivated.
      CREATE TABLE attendance_events (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people (id),
        occurred_at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
        distance REAL,
        source TEXT NOT NULL
      ) STRICT;
      CREATE INDEX attendance_person_time ON attendance_events (person_id, occurred_at);
      CREATE INDEX attendance_time ON attendance_events (occurred_at);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL CHECK (json_valid(details))
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'a face thumbnail per person',
    sql: `
      -- A small JPEG of the face from the person's first enrolment photo, for the admin's list.
      -- It is biometric data like the templates, so it goes when the templates go.
      ALTER TABLE people ADD COLUMN thumbnail BLOB CHECK (thumbnail IS NULL OR length(thumbnail) <= 65536);
    `,
  },
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the pending steps; refuses a database made by a newer Clockface without touching it. */
export function migrate(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const latest = migrations.at(-1)?.version ?? 0;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new StoreError(
      'newer-schema',
      `${path} was written by a newer Clockface (database schema version ${from}; this Clockface understands up to ${latest}): update Clockface to open it`,
    );
  }
  for (const migration of migrations.filter((m) => m.version > from)) {
    db.transaction(() => {
      // Another process may have applied this step while we waited for the write lock.
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, latest) };
}
