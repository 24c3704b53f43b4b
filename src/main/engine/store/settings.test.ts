import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineSetting } from './settings.js';
import { useTempStores } from './testStore.js';

const matchThreshold = defineSetting('recognition.threshold', z.number().min(0.1).max(1), 0.5);
const kiosk = defineSetting(
  'kiosk',
  z.object({ camera: z.string(), cooldownSeconds: z.number().int().positive(), greet: z.boolean() }),
  { camera: 'default', cooldownSeconds: 60, greet: true },
);

describe('settings', () => {
  const temp = useTempStores();

  it('returns the default until set, then the stored value, across re-opening', () => {
    const store = temp.open();
    expect(store.settings.get(matchThreshold)).toBe(0.5);
    expect(store.settings.set(matchThreshold, 0.42)).toBe(0.42);
    store.settings.set(kiosk, { camera: '/dev/video2', cooldownSeconds: 90, greet: false });
    store.close();
    const again = temp.open();
    expect(again.settings.get(matchThreshold)).toBe(0.42);
    expect(again.settings.get(kiosk)).toEqual({ camera: '/dev/video2', cooldownSeconds: 90, greet: false });
    expect(again.audit.list().map((e) => e.details)).toEqual([
      { key: 'kiosk', value: { camera: '/dev/video2', cooldownSeconds: 90, greet: false } },
      { key: 'recognition.threshold', value: 0.42 },
    ]);
  });

  it('refuses a value outside the schema and keeps the old one', () => {
    const store = temp.open();
    store.settings.set(matchThreshold, 0.42);
    // Message: 'setting "recognition.threshold" refused (value: Too big: expected number to be <=1)'
    expect(() => store.settings.set(matchThreshold, 3)).toThrow(
      'setting "recognition.threshold" refused (value: Too big: expected number to be <=1)',
    );
    expect(store.settings.get(matchThreshold)).toBe(0.42);
    expect(store.audit.list()).toHaveLength(1);
  });

  it('reports a stored value that no longer fits the schema instead of guessing', () => {
    const store = temp.open();
    temp
      .raw()
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?)')
      .run('kiosk', '{"camera":"cam0","greet":"yes"}');
    expect(() => store.settings.get(kiosk)).toThrow(
      'setting "kiosk" holds {"camera":"cam0","greet":"yes"}, which is no longer valid (cooldownSeconds: Invalid input: expected number, received undefined); set it again',
    );
    store.settings.set(kiosk, { camera: 'cam0', cooldownSeconds: 30, greet: true });
    expect(store.settings.get(kiosk).cooldownSeconds).toBe(30);
  });

  it('refuses a schema whose values do not survive JSON, at definition time', () => {
    expect(() => defineSetting('opened', z.date(), new Date(0))).toThrow(
      'setting "opened" cannot be stored: its value does not survive JSON',
    );
  });

  it('writes no audit entry when the change itself fails', () => {
    const store = temp.open();
    const raw = temp.raw();
    raw.exec("CREATE TRIGGER settings_fail BEFORE INSERT ON settings BEGIN SELECT RAISE(ABORT, 'no room'); END");
    expect(() => store.settings.set(matchThreshold, 0.6)).toThrow('no room');
    expect(store.audit.list()).toEqual([]);
    expect(store.settings.get(matchThreshold)).toBe(0.5);
  });
});

describe('audit log', () => {
  const temp = useTempStores();

  it('appends the caller’s own entries and pages newest first', () => {
    let tick = Date.parse('2025-03-14T09:00:00Z');
    const store = temp.open({ actor: 'admin', now: () => new Date((tick += 1000)) });
    for (let i = 1; i <= 5; i++) store.audit.append('export.csv', { rows: i * 10, file: `/tmp/week-${i}.csv` });
    const first = store.audit.list({ limit: 2 });
    expect(first.map((e) => [e.id, e.details.rows])).toEqual([
      [5, 50],
      [4, 40],
    ]);
    expect(first[0]).toMatchObject({ actor: 'admin', action: 'export.csv', at: new Date('2025-03-14T09:00:05Z') });
    expect(store.audit.list({ limit: 2, beforeId: 4 }).map((e) => e.id)).toEqual([3, 2]);
    expect(() => store.audit.list({ limit: 0 })).toThrow('audit page size must be 1..10000, got 0');
    expect(() => store.audit.append('')).toThrow('audit action is empty');
  });

  it('records a caller-given audit entry instead of the value, for secrets', () => {
    const store = temp.open();
    const secret = defineSetting('admin.secret', z.string(), '');
    store.settings.set(secret, 'hash-of-the-pin', { action: 'admin.pin-set', details: {} });
    expect(store.settings.get(secret)).toBe('hash-of-the-pin');
    expect(store.audit.list().map((e) => [e.action, e.details])).toEqual([['admin.pin-set', {}]]);
    expect(JSON.stringify(store.audit.list())).not.toContain('hash-of-the-pin');
    expect(() => store.settings.set(secret, 'other', { action: ' ', details: {} })).toThrow('audit action is empty');
    expect(store.settings.get(secret)).toBe('hash-of-the-pin');
  });
});
