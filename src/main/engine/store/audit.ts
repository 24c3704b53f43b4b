import { requireText, type JsonObject, type StoreContext } from './context.js';
import { StoreError } from './errors.js';

export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly details: JsonObject;
}

export interface AuditRepository {
  /** Records an action the store does not see itself (an export, a login, …). */
  append(action: string, details?: JsonObject): AuditEntry;
  /** Newest first; pass the last id seen as `beforeId` for the next page. */
  list(options?: { readonly limit?: number; readonly beforeId?: number }): AuditEntry[];
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 10_000;

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  details: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    details: JSON.parse(row.details) as JsonObject,
  };
}

export function createAuditRepository(ctx: StoreContext): AuditRepository {
  const { db } = ctx;
  const selectById = db.prepare<[number], AuditRow>(
    'SELECT id, at, actor, action, details FROM audit_log WHERE id = ?',
  );
  const selectPage = db.prepare<[number, number], AuditRow>(
    'SELECT id, at, actor, action, details FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?',
  );

  return {
    append: (action, details = {}) => {
      const name = requireText(action, 'audit action', 100);
      return ctx.write(() => {
        const row = selectById.get(ctx.audit(name, details));
        if (!row) throw new StoreError('sqlite-error', `${ctx.path}: the audit entry was not stored`);
        return toEntry(row);
      });
    },

    list: ({ limit = DEFAULT_PAGE, beforeId = Number.MAX_SAFE_INTEGER } = {}) => {
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new StoreError('invalid-input', `audit page size must be 1..${MAX_PAGE}, got ${limit}`);
      }
      return ctx.read(() => selectPage.all(beforeId, limit).map(toEntry));
    },
  };
}
