import type { z } from 'zod';
import { requireText, type JsonObject, type JsonValue, type StoreContext } from './context.js';
import { StoreError } from './errors.js';

/** A named setting: the caller's zod schema is checked on every write and every read. */
export interface SettingDefinition<T> {
  readonly key: string;
  /** Must describe plain JSON values: the value is stored as JSON text. */
  readonly schema: z.ZodType<T>;
  readonly defaultValue: T;
}

export interface SettingsRepository {
  /** The stored value, or the default when never set; throws when the stored value no longer fits the schema. */
  get<T>(setting: SettingDefinition<T>): T;
  /**
   * Validates and stores the value with an audit entry, in one transaction. The entry is
   * "setting.set" with the key and value, or `audit` when given (a secret's value, such as a PIN
   * hash, must not reach the audit log).
   */
  set<T>(setting: SettingDefinition<T>, value: T, audit?: { readonly action: string; readonly details: JsonObject }): T;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`;
}

/** Parses with the schema and proves the result survives the trip through JSON. */
function toStoredJson<T>(setting: SettingDefinition<T>, value: unknown): { value: T; json: string } {
  const parsed = setting.schema.safeParse(value);
  if (!parsed.success) {
    throw new StoreError('invalid-setting', `setting "${setting.key}" refused (${describeIssue(parsed.error)})`);
  }
  const json = JSON.stringify(parsed.data);
  const reparsed = json === undefined ? undefined : setting.schema.safeParse(JSON.parse(json));
  if (json === undefined || !reparsed?.success) {
    throw new StoreError(
      'invalid-setting',
      `setting "${setting.key}" cannot be stored: its value does not survive JSON`,
    );
  }
  return { value: reparsed.data, json };
}

export function defineSetting<T>(key: string, schema: z.ZodType<T>, defaultValue: T): SettingDefinition<T> {
  const setting = { key, schema, defaultValue };
  toStoredJson(setting, defaultValue);
  return setting;
}

export function createSettingsRepository(ctx: StoreContext): SettingsRepository {
  const { db } = ctx;
  const select = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  return {
    get: (setting) =>
      ctx.read(() => {
        const json = select.get(setting.key);
        if (json === undefined) return setting.defaultValue;
        const parsed = setting.schema.safeParse(JSON.parse(json));
        if (!parsed.success) {
          throw new StoreError(
            'invalid-setting',
            `setting "${setting.key}" holds ${json.slice(0, 200)}, which is no longer valid (${describeIssue(parsed.error)}); set it again`,
          );
        }
        return parsed.data;
      }),

    set: (setting, value, audit) => {
      const stored = toStoredJson(setting, value);
      const entry = audit
        ? { action: requireText(audit.action, 'audit action', 100), details: audit.details }
        : { action: 'setting.set', details: { key: setting.key, value: JSON.parse(stored.json) as JsonValue } };
      return ctx.write(() => {
        upsert.run(setting.key, stored.json);
        ctx.audit(entry.action, entry.details);
        return stored.value;
      });
    },
  };
}
