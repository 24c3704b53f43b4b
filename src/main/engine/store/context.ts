import type Database from 'better-sqlite3';
import { StoreError, translateSqliteError } from './errors.js';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** What every repository shares: the connection, who is acting, the clock, and safe ways in. */
export interface StoreContext {
  readonly db: Database.Database;
  readonly path: string;
  readonly actor: string;
  now(): Date;
  /** Runs `fn` as one BEGIN IMMEDIATE transaction: all of it is written, or none of it. */
  write<T>(fn: () => T): T;
  /** Runs a read, translating SQLite failures like `write` does. */
  read<T>(fn: () => T): T;
  /** Appends an audit entry; call inside `write` so it commits or rolls back with the change. */
  audit(action: string, details: JsonObject): number;
}

export function createContext(db: Database.Database, path: string, actor: string, now: () => Date): StoreContext {
  const insertAudit = db.prepare<[number, string, string, string]>(
    'INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)',
  );
  const read = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw translateSqliteError(error, path);
    }
  };
  return {
    db,
    path,
    actor,
    now,
    read,
    // Taking the write lock up front means a busy database fails before anything is written.
    write: (fn) => read(() => db.transaction(fn).immediate()),
    audit: (action, details) =>
      Number(insertAudit.run(now().getTime(), actor, action, JSON.stringify(details)).lastInsertRowid),
  };
}

/** Validates free text the caller gives (names, sources, ids) before it reaches the database. */
export function requireText(value: string, what: string, maxLength: number): string {
  if (typeof value !== 'string') throw new StoreError('invalid-input', `${what} must be text, got ${typeof value}`);
  const text = value.trim();
  if (text.length === 0) throw new StoreError('invalid-input', `${what} is empty`);
  if (text.length > maxLength) {
    throw new StoreError('invalid-input', `${what} is ${text.length} characters long, at most ${maxLength} allowed`);
  }
  if (/\p{Cc}/u.test(text)) throw new StoreError('invalid-input', `${what} contains control characters`);
  return text;
}

export function requireId(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new StoreError('invalid-input', `${what} must be a positive whole number, got ${value}`);
  }
  return value;
}

export function requireDate(value: Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new StoreError('invalid-input', `${what} is not a valid date`);
  return ms;
}
