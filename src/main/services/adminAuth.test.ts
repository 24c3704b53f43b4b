import { describe, expect, it } from 'vitest';
import { useTempStores } from '../engine/store/testStore.js';
import { ADMIN_LOCKOUT, ADMIN_PIN, AdminAuth, AdminLockedError, nextLockout } from './adminAuth.js';

describe('admin PIN', () => {
  const temp = useTempStores();

  /** A store and an AdminAuth on a clock the test moves. */
  function setUp(idleMinutes = 5, file = 'clockface.db') {
    const clock = { now: Date.parse('2025-03-14T09:00:00Z') };
    const store = temp.open({ actor: 'admin', now: () => new Date(clock.now) }, file);
    const open = () => new AdminAuth(store, { now: () => clock.now, idleMinutes: () => idleMinutes });
    return { clock, store, auth: open(), reopen: open };
  }

  it('starts with no PIN; setting one stores only a salted scrypt hash and unlocks', async () => {
    const { store, auth } = setUp();
    expect(auth.state()).toEqual({ pinSet: false, unlocked: false, lockedUntil: null, failedAttempts: 0 });
    await expect(auth.unlock('1234')).resolves.toMatchObject({
      ok: false,
      reason: 'no-pin-set',
      message: 'no PIN is set yet: set one first',
    });
    const set = await auth.setPin('4711');
    expect(set).toEqual({ ok: true, state: { pinSet: true, unlocked: true, lockedUntil: null, failedAttempts: 0 } });
    const stored = store.settings.get(ADMIN_PIN);
    expect(stored).toMatchObject({ algorithm: 'scrypt', N: 32768, r: 8, p: 1 });
    expect(Buffer.from(stored?.salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(stored?.hash ?? '', 'base64')).toHaveLength(32);
    expect(JSON.stringify(store.audit.list())).not.toContain(stored?.hash);
    expect(store.audit.list().map((e) => e.action)).toEqual(['admin.pin-set']);
    // The same PIN set again elsewhere gets another salt, so equal PINs do not look equal.
    const other = setUp(5, 'other.db');
    await other.auth.setPin('4711');
    expect(other.store.settings.get(ADMIN_PIN)?.hash).not.toBe(stored?.hash);
  });

  it('refuses a second first-run PIN and PINs that are not 4 to 12 digits', async () => {
    const { store, auth } = setUp();
    await expect(auth.setPin('12a4')).rejects.toThrow('a PIN is 4 to 12 digits');
    await expect(auth.setPin('123')).rejects.toThrow('a PIN is 4 to 12 digits');
    await expect(auth.setPin('1234567890123')).rejects.toThrow('a PIN is 4 to 12 digits');
    expect(store.settings.get(ADMIN_PIN)).toBeNull();
    await auth.setPin('123456789012');
    await expect(auth.setPin('9999')).rejects.toThrow('a PIN is already set: unlock and change it instead');
    auth.lock();
    expect((await auth.unlock('123456789012')).ok).toBe(true);
  });

  it('locks, unlocks with the right PIN, and guards admin calls', async () => {
    const { store, auth } = setUp();
    await auth.setPin('4711');
    expect(() => auth.requireUnlocked()).not.toThrow();
    expect(auth.lock()).toMatchObject({ unlocked: false });
    expect(() => auth.requireUnlocked()).toThrow(AdminLockedError);
    expect(() => auth.requireUnlocked()).toThrow('the admin screens are locked: enter the PIN');
    expect(await auth.unlock('4711')).toMatchObject({ ok: true, state: { unlocked: true } });
    expect(store.audit.list().map((e) => e.action)).toEqual(['admin.unlock', 'admin.lock', 'admin.pin-set']);
  });

  it('expires an unlock after the idle minutes; each admin call restarts the timer', async () => {
    const { clock, store, auth } = setUp(5);
    await auth.setPin('4711');
    clock.now += 4 * 60_000;
    auth.requireUnlocked();
    clock.now += 4 * 60_000 + 59_999;
    expect(auth.state().unlocked).toBe(true);
    clock.now += 1;
    expect(auth.state().unlocked).toBe(false);
    expect(() => auth.requireUnlocked()).toThrow(AdminLockedError);
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({ action: 'admin.auto-lock', details: { idleMinutes: 5 } });
  });

  it('counts wrong PINs, locks out for 30 s after five, doubling, and survives a restart', async () => {
    const { clock, store, auth, reopen } = setUp();
    await auth.setPin('4711');
    auth.lock();
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await auth.unlock('0000');
      expect(result.ok).toBe(false);
      if (!result.ok) messages.push(result.message);
    }
    expect(messages).toEqual([
      'wrong PIN: 4 tries left',
      'wrong PIN: 3 tries left',
      'wrong PIN: 2 tries left',
      'wrong PIN: 1 try left',
    ]);
    const fifth = await auth.unlock('0000');
    expect(fifth).toEqual({
      ok: false,
      reason: 'wrong-pin',
      message: 'wrong PIN: too many wrong PINs, try again in 30 s',
      state: { pinSet: true, unlocked: false, lockedUntil: clock.now + 30_000, failedAttempts: 5 },
    });
    // Even the right PIN is refused during the lockout, and a restart does not lift it.
    const restarted = reopen();
    clock.now += 29_000;
    expect(await restarted.unlock('4711')).toMatchObject({
      ok: false,
      reason: 'locked-out',
      message: 'too many wrong PINs: try again in 1 s',
    });
    expect(store.settings.get(ADMIN_LOCKOUT).failedAttempts).toBe(5);
    // After it, five more wrong PINs lock out for twice as long.
    clock.now += 1_000;
    for (let i = 0; i < 4; i++) expect((await restarted.unlock('1111')).ok).toBe(false);
    expect(await restarted.unlock('1111')).toMatchObject({
      reason: 'wrong-pin',
      message: 'wrong PIN: too many wrong PINs, try again in 60 s',
      state: { lockedUntil: clock.now + 60_000, failedAttempts: 10 },
    });
    clock.now += 60_000;
    expect(await restarted.unlock('4711')).toMatchObject({ ok: true, state: { failedAttempts: 0, lockedUntil: null } });
    expect(store.settings.get(ADMIN_LOCKOUT)).toEqual({ failedAttempts: 0, lockouts: 0, lockedUntil: null });
    const actions = store.audit.list({ limit: 1000 }).map((e) => e.action);
    expect(actions.filter((a) => a === 'admin.unlock-failed')).toHaveLength(10);
    expect(actions.filter((a) => a === 'admin.unlock-refused')).toHaveLength(1);
    expect(actions.slice(0, 2)).toEqual(['admin.unlock', 'admin.lockout-reset']);
  });

  it('lets concurrent guesses through one at a time, so they cannot slip past the lockout', async () => {
    const { auth } = setUp();
    await auth.setPin('4711');
    auth.lock();
    const results = await Promise.all(Array.from({ length: 8 }, () => auth.unlock('0000')));
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'wrong-pin',
      'wrong-pin',
      'wrong-pin',
      'wrong-pin',
      'wrong-pin',
      'locked-out',
      'locked-out',
      'locked-out',
    ]);
  });

  it('doubles each lockout up to an hour', () => {
    let lockout = { failedAttempts: 0, lockouts: 0, lockedUntil: null as number | null };
    const durations: number[] = [];
    for (let attempt = 1; attempt <= 60; attempt++) {
      lockout = nextLockout(lockout, 0);
      if (lockout.lockedUntil !== null) durations.push(lockout.lockedUntil / 1000);
    }
    expect(durations).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600]);
  });

  it('changes the PIN only with the current one; wrong ones count towards the lockout', async () => {
    const { store, auth } = setUp();
    await auth.setPin('4711');
    expect(await auth.changePin('1234', '9876')).toMatchObject({
      ok: false,
      reason: 'wrong-pin',
      message: 'wrong PIN: 4 tries left',
    });
    await expect(auth.changePin('4711', '98')).rejects.toThrow('a PIN is 4 to 12 digits');
    expect(await auth.changePin('4711', '9876')).toMatchObject({ ok: true, state: { failedAttempts: 0 } });
    auth.lock();
    expect((await auth.unlock('4711')).ok).toBe(false);
    expect((await auth.unlock('9876')).ok).toBe(true);
    expect(store.audit.list({ limit: 1000 }).map((e) => e.action)).toContain('admin.pin-change');
  });
});
