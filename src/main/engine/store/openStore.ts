import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createAttendanceRepository, type AttendanceRepository } from './attendance.js';
import { createAuditRepository, type AuditRepository } from './audit.js';
import { createContext } from './context.js';
import { StoreError, translateSqliteError } from './errors.js';
import { CLOCKFACE_APPLICATION_ID, migrate } from './migrations.js';
import { createPeopleRepository, type PeopleRepository } from './people.js';
import { createSettingsRepository, type SettingsRepository } from './settings.js';
import { createTemplatesRepository, type TemplatesRepository } from './templates.js';

export interface OpenStoreOptions {
  /** Who the audit log says made each change: 'cli', 'admin', … */
  readonly actor?: string;
  /** How long a write waits for another process's write lock before failing with code 'locked'. */
  readonly busyTimeoutMs?: number;
  readonly now?: () => Date;
}

export interface Store {
  readonly path: string;
  readonly schemaVersion: number;
  readonly people: PeopleRepository;
  readonly templates: TemplatesRepository;
  readonly attendance: AttendanceRepository;
  readonly settings: SettingsRepository;
  readonly audit: AuditRepository;
  /**
   * Runs `fn` as one BEGIN IMMEDIATE transaction, for a read-decide-write that another connection
   * must not interleave: it takes the write lock before its first read, and repository writes inside
   * it commit or roll back with it.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 2000;

/**
 * Opens (creating when absent) the enrolment and attendance database at `path` and brings its
 * schema up to date. Every failure is a StoreError naming the file; nothing stored is changed.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const file = resolve(path);
  const existed = prepareLocation(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    // Face templates are biometric data: a new database is readable by its owner only.
    if (!existed) chmodSync(file, 0o600);
    requireClockfaceDatabase(db, file);
    const journalMode = db.pragma('journal_mode = WAL', { simple: true });
    if (journalMode !== 'wal') {
      throw new StoreError(
        'cannot-open',
        `${file}: this file system cannot hold SQLite's write-ahead log (journal mode stayed "${String(journalMode)}"); keep the database on a local disk`,
      );
    }
    db.pragma('foreign_keys = ON');
    const { to } = migrate(db, file);
    const ctx = createContext(db, file, options.actor ?? 'clockface', options.now ?? (() => new Date()));
    const connection = db;
    return {
      path: file,
      schemaVersion: to,
      people: createPeopleRepository(ctx),
      templates: createTemplatesRepository(ctx),
      attendance: createAttendanceRepository(ctx),
      settings: createSettingsRepository(ctx),
      audit: createAuditRepository(ctx),
      transaction: ctx.write,
      close: () => connection.close(),
    };
  } catch (error) {
    db?.close();
    throw translateSqliteError(error, file);
  }
}

/** Checks the path and creates its folder; returns whether the database file already exists. */
function prepareLocation(file: string): boolean {
  const stat = statIfPresent(file);
  if (stat?.isDirectory()) throw new StoreError('is-a-directory', `${file} is a folder, not a database file`);
  if (stat && !stat.isFile()) throw new StoreError('cannot-open', `${file} is not a regular file`);
  const folder = dirname(file);
  createFolder(folder);
  // SQLite's write-ahead log lives beside the database, so the folder must be writable too.
  requireWritable(folder, `${folder} is read-only; Clockface needs to write its database there`);
  if (stat) requireWritable(file, `${file} is read-only; Clockface needs to write to it (nothing was changed)`);
  return stat !== undefined;
}

/** The file's status, or undefined when it (or a parent) does not exist as a path. */
function statIfPresent(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; createFolder reports that in words.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new StoreError('cannot-open', `cannot look at ${path} (${code ?? String(error)})`, { cause: error });
  }
}

/**
 * Creates the missing folders one level at a time: Node's recursive mkdir never returns on
 * some pseudo file systems (/proc), and a clear error beats a hung kiosk.
 */
function createFolder(folder: string): void {
  const missing: string[] = [];
  let existing = folder;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) {
    throw new StoreError('cannot-open', `${existing} is a file, so the database folder ${folder} cannot be created`);
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      const readOnly = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
      throw new StoreError(
        readOnly ? 'read-only' : 'cannot-open',
        `cannot create the database folder ${level} (${code})${readOnly ? ': the location is read-only' : ''}`,
        { cause: error },
      );
    }
  }
}

function requireWritable(path: string, message: string): void {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new StoreError('read-only', message, { cause: error });
  }
}

/** Refuses another program's SQLite database before anything (even the journal mode) is changed. */
function requireClockfaceDatabase(db: Database.Database, file: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId === CLOCKFACE_APPLICATION_ID) return;
  const objects = db.prepare<[], number>('SELECT COUNT(*) FROM sqlite_schema').pluck().get() ?? 0;
  if (applicationId !== 0 || objects > 0) {
    throw new StoreError(
      'foreign-database',
      `${file} is a SQLite database of another program (application id ${applicationId}, ${objects} schema objects); Clockface left it untouched, choose another database path`,
    );
  }
}
