import Database from 'better-sqlite3';

export type StoreErrorCode =
  | 'is-a-directory'
  | 'not-a-database'
  | 'foreign-database'
  | 'newer-schema'
  | 'read-only'
  | 'cannot-open'
  | 'locked'
  | 'damaged'
  | 'disk-full'
  | 'sqlite-error'
  | 'invalid-input'
  | 'invalid-embedding'
  | 'invalid-setting'
  | 'person-not-found'
  | 'person-removed'
  | 'duplicate-name'
  | 'duplicate-employee-code'
  | 'model-mismatch';

/** Every failure of the store: a sentence for people and a `code` for programs. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export interface StaleTemplateCount {
  readonly modelId: string;
  readonly count: number;
}

/** Templates made by another embedding model: their distances mean nothing to the current one. */
export class ModelMismatchError extends StoreError {
  constructor(
    readonly currentModelId: string,
    readonly stale: readonly StaleTemplateCount[],
    fix: string,
  ) {
    const counts = stale.map(
      (s) => `${s.count} template${s.count === 1 ? ' was' : 's were'} made by model ${s.modelId}`,
    );
    super('model-mismatch', `${counts.join(', ')}; this engine uses ${currentModelId}: ${fix}`);
    this.name = 'ModelMismatchError';
  }
}

/** Turns SQLite's terse failures into messages that name the database file and what to do. */
export function translateSqliteError(error: unknown, path: string): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  const cause = { cause: error };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('locked', `database is locked by another Clockface process: ${path}`, cause);
  }
  if (code === 'SQLITE_NOTADB') {
    return new StoreError(
      'not-a-database',
      `${path}: file is not a SQLite database; Clockface left it untouched, choose another database path`,
      cause,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError('read-only', `${path}: database is read-only (${error.message}); nothing was written`, cause);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StoreError('cannot-open', `${path}: cannot open the database file (${error.message})`, cause);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('damaged', `${path}: database file is damaged (${error.message}); restore a backup`, cause);
  }
  if (code === 'SQLITE_FULL') {
    return new StoreError('disk-full', `${path}: the disk is full; nothing was written`, cause);
  }
  return new StoreError('sqlite-error', `${path}: ${error.message} (${code})`, cause);
}
