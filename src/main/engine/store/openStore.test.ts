import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { CLOCKFACE_APPLICATION_ID, migrate, MIGRATIONS, schemaVersion, type Migration } from './migrations.js';
import { openStore } from './openStore.js';
import { testEmbedding, useTempStores } from './testStore.js';

const runningAsRoot = process.getuid?.() === 0;

function expectStoreError(fn: () => unknown, code: string, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  expect((caught as StoreError).message).toBe(message);
}

describe('opening the store', () => {
  const temp = useTempStores();

  it('creates the folder and a WAL database with foreign keys and a busy timeout', () => {
    const file = join(temp.file('nested'), 'deeper', 'clockface.db');
    const store = openStore(file, { busyTimeoutMs: 1500 });
    try {
      expect(store.path).toBe(file);
      expect(store.schemaVersion).toBe(MIGRATIONS.length);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(temp.file('nested'), 'deeper')).mode & 0o777).toBe(0o700);
    } finally {
      store.close();
    }
    const raw = temp.raw(join('nested', 'deeper', 'clockface.db'));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('application_id', { simple: true })).toBe(CLOCKFACE_APPLICATION_ID);
    expect(schemaVersion(raw)).toBe(MIGRATIONS.length);
    const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['attendance_events', 'audit_log', 'people', 'settings', 'templates']);
  });

  it('re-opens an up-to-date database without changing it', () => {
    const first = temp.open();
    const ada = first.people.add({ name: 'Ada Lovelace', employeeCode: 'E-1' });
    first.close();
    const again = temp.open();
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    expect(again.people.get(ada.id)).toEqual(ada);
    expect(again.audit.list().map((e) => e.action)).toEqual(['person.add']);
  });

  it('keeps version and data when a migration step fails, and applies each step once', () => {
    const raw = temp.raw();
    const steps: Migration[] = [
      { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT; INSERT INTO a VALUES (1);' },
      { version: 2, description: 'b', sql: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => migrate(raw, 'test.db', steps)).toThrow('no such table: nowhere');
    expect(schemaVersion(raw)).toBe(1);
    expect(raw.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'b'").pluck().get()).toBe(0);
    const fixed = [steps[0] as Migration, { version: 2, description: 'b', sql: 'CREATE TABLE b (x INTEGER) STRICT;' }];
    expect(migrate(raw, 'test.db', fixed)).toEqual({ from: 1, to: 2 });
    expect(migrate(raw, 'test.db', fixed)).toEqual({ from: 2, to: 2 });
    expect(raw.prepare('SELECT COUNT(*) FROM a').pluck().get()).toBe(1);
  });

  it('brings a version-1 database up to date, keeping its people, with no thumbnail yet', () => {
    const raw = temp.raw();
    migrate(raw, 'v1.db', MIGRATIONS.slice(0, 1));
    raw.prepare("INSERT INTO people (name, name_key, created_at) VALUES ('Ada', 'ada', 0)").run();
    const store = temp.open();
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.people.list().map((p) => p.name)).toEqual(['Ada']);
    expect(store.people.thumbnail(1)).toBeNull();
    // The column's CHECK bounds a thumbnail even for a writer that bypasses the repository.
    expect(() => raw.prepare('UPDATE people SET thumbnail = zeroblob(65537) WHERE id = 1').run()).toThrow(
      /CHECK constraint failed/,
    );
  });

  it('numbers the shipped migrations 1, 2, 3, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuses a database written by a newer Clockface and leaves it as it was', () => {
    const store = temp.open();
    store.people.add({ name: 'Ada' });
    store.close();
    temp.raw().pragma('user_version = 7');
    // Message: "<path> was written by a newer Clockface (database schema version 7; …): update Clockface to open it"
    expectStoreError(
      () => temp.open(),
      'newer-schema',
      `${temp.file()} was written by a newer Clockface (database schema version 7; this Clockface understands up to ${MIGRATIONS.length}): update Clockface to open it`,
    );
    const raw = temp.raw();
    expect(schemaVersion(raw)).toBe(7);
    expect(raw.prepare('SELECT name FROM people').pluck().all()).toEqual(['Ada']);
  });

  it('refuses a text file without touching it', () => {
    const file = temp.file('notes.db');
    writeFileSync(file, 'these are my notes, not a database\n');
    // Message: "<path>: file is not a SQLite database; Clockface left it untouched, choose another database path"
    expectStoreError(
      () => openStore(file),
      'not-a-database',
      `${file}: file is not a SQLite database; Clockface left it untouched, choose another database path`,
    );
    expect(readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n');
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("refuses another program's SQLite database without changing even its journal mode", () => {
    const raw = temp.raw('photos.db');
    raw.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    expectStoreError(
      () => temp.open({}, 'photos.db'),
      'foreign-database',
      `${temp.file('photos.db')} is a SQLite database of another program (application id 0, 1 schema objects); Clockface left it untouched, choose another database path`,
    );
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(schemaVersion(raw)).toBe(0);
  });

  it('refuses a folder given as the database path', () => {
    const folder = temp.file('a-folder');
    mkdirSync(folder);
    // Message: "<path> is a folder, not a database file"
    expectStoreError(() => openStore(folder), 'is-a-directory', `${folder} is a folder, not a database file`);
  });

  it('refuses a path whose parent is a file', () => {
    const file = temp.file('plain.txt');
    writeFileSync(file, 'x');
    expectStoreError(
      () => openStore(join(file, 'sub', 'clockface.db')),
      'cannot-open',
      `${file} is a file, so the database folder ${join(file, 'sub')} cannot be created`,
    );
  });

  it('refuses a location where the folder cannot be created', () => {
    // /sys refuses new folders even to root (EPERM on Linux); elsewhere the root file system is read-only.
    let caught: unknown;
    try {
      openStore('/sys/clockface-test/clockface.db');
    } catch (error) {
      caught = error;
    }
    expect((caught as StoreError).code).toBe('read-only');
    expect((caught as StoreError).message).toMatch(
      /^cannot create the database folder \/sys\/clockface-test \((EPERM|EACCES|EROFS)\): the location is read-only$/,
    );
  });

  describe.skipIf(runningAsRoot)('file permissions (skipped as root: root ignores them)', () => {
    it('refuses a read-only database file and a read-only folder', () => {
      const store = temp.open();
      store.people.add({ name: 'Ada' });
      store.close();
      chmodSync(temp.file(), 0o400);
      expectStoreError(
        () => temp.open(),
        'read-only',
        `${temp.file()} is read-only; Clockface needs to write to it (nothing was changed)`,
      );
      const folder = temp.file('locked-folder');
      mkdirSync(folder, { mode: 0o500 });
      expectStoreError(
        () => openStore(join(folder, 'clockface.db')),
        'read-only',
        `${folder} is read-only; Clockface needs to write its database there`,
      );
      chmodSync(folder, 0o700);
    });
  });
});

describe('a database locked by another process', () => {
  const temp = useTempStores();

  it('fails writes with a specific error after busy_timeout, writes nothing, and recovers', () => {
    const store = temp.open({ busyTimeoutMs: 50 });
    const ada = store.people.add({ name: 'Ada' });
    const other = temp.raw();
    other.exec('BEGIN IMMEDIATE');
    const locked = `database is locked by another Clockface process: ${temp.file()}`;

    // Message: "database is locked by another Clockface process: <path>", after waiting busy_timeout.
    const started = performance.now();
    expectStoreError(() => store.people.add({ name: 'Grace' }), 'locked', locked);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expectStoreError(
      () => store.templates.add(ada.id, { embedding: testEmbedding(1), modelId: 'm', source: 'camera' }),
      'locked',
      locked,
    );
    expectStoreError(() => store.people.remove(ada.id), 'locked', locked);
    // WAL lets readers through while the other process writes.
    expect(store.people.list().map((p) => p.name)).toEqual(['Ada']);
    // A second store opens an up-to-date database while the lock is held.
    temp.open({ busyTimeoutMs: 50 }).close();

    other.exec('ROLLBACK');
    expect(store.people.list().map((p) => [p.name, p.templateCount])).toEqual([['Ada', 0]]);
    expect(store.audit.list().map((e) => e.action)).toEqual(['person.add']);
    expect(store.people.add({ name: 'Grace' }).name).toBe('Grace');
  });

  it('cannot migrate a new database while another process holds the write lock', () => {
    const other = temp.raw();
    other.exec('BEGIN IMMEDIATE');
    expectStoreError(
      () => temp.open({ busyTimeoutMs: 50 }),
      'locked',
      `database is locked by another Clockface process: ${temp.file()}`,
    );
    other.exec('ROLLBACK');
    expect(schemaVersion(other)).toBe(0);
    expect(temp.open().schemaVersion).toBe(MIGRATIONS.length);
  });
});
