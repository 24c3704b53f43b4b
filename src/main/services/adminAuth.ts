import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import type { AdminAttemptResponse, AdminState } from '../../shared/ipc.js';
import { defineSetting, type Store } from '../engine/store/index.js';

/**
 * The admin PIN: hashed with scrypt (random salt per PIN, compared in constant time), stored in
 * the settings table, never logged. Five wrong PINs in a row lock every attempt out for 30 s, the
 * next five for 60 s, doubling up to an hour; the count and the lockout are stored, so restarting
 * the app does not reset them. An unlock lasts until `lock()` or until the admin is idle for the
 * `idleMinutes` setting. Every attempt and change is in the audit log.
 */

export const PIN_RULE = /^\d{4,12}$/;
export const ATTEMPTS_BEFORE_LOCKOUT = 5;
export const FIRST_LOCKOUT_MS = 30_000;
export const MAX_LOCKOUT_MS = 60 * 60_000;

/** OWASP's minimum for scrypt (N = 2^17 would take 128 MiB): about 50 ms per attempt here. */
const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SCRYPT_MAX_MEMORY = 64 * 1024 * 1024;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

const pinHashSchema = z
  .object({
    algorithm: z.literal('scrypt'),
    N: z.number().int().positive(),
    r: z.number().int().positive(),
    p: z.number().int().positive(),
    salt: z.base64(),
    hash: z.base64(),
  })
  .nullable();
type PinHash = NonNullable<z.infer<typeof pinHashSchema>>;

const lockoutSchema = z.object({
  /** Wrong PINs in a row since the last right one. */
  failedAttempts: z.number().int().min(0),
  /** Lockouts since the last right PIN: each doubles the next one. */
  lockouts: z.number().int().min(0),
  lockedUntil: z.number().nullable(),
});
type Lockout = z.infer<typeof lockoutSchema>;

/** The PIN's scrypt hash; null until the first run sets one. */
export const ADMIN_PIN = defineSetting('admin.pin', pinHashSchema, null);
export const ADMIN_LOCKOUT = defineSetting('admin.lockout', lockoutSchema, {
  failedAttempts: 0,
  lockouts: 0,
  lockedUntil: null,
});

/** A call that needs the admin screens unlocked came while they were locked. */
export class AdminLockedError extends Error {
  constructor() {
    super('the admin screens are locked: enter the PIN');
    this.name = 'AdminLockedError';
  }
}

export interface AdminAuthOptions {
  /** The clock, epoch ms (tests pass their own). */
  readonly now?: () => number;
  /** Idle minutes after which an unlock expires; read on every check so a settings change applies at once. */
  readonly idleMinutes: () => number;
}

export class AdminAuth {
  private readonly now: () => number;
  /** When the admin last did something while unlocked; null while locked. */
  private lastActivity: number | null = null;
  /** PIN attempts run one at a time, so concurrent guesses cannot slip past the lockout. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, 'settings' | 'audit'>,
    private readonly options: AdminAuthOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  state(): AdminState {
    const lockout = this.store.settings.get(ADMIN_LOCKOUT);
    const lockedUntil = lockout.lockedUntil !== null && lockout.lockedUntil > this.now() ? lockout.lockedUntil : null;
    return {
      pinSet: this.store.settings.get(ADMIN_PIN) !== null,
      unlocked: this.isUnlocked(),
      lockedUntil,
      failedAttempts: lockout.failedAttempts,
    };
  }

  /** Throws AdminLockedError unless unlocked; otherwise counts as activity (restarts the idle timer). */
  requireUnlocked(): void {
    if (!this.isUnlocked()) throw new AdminLockedError();
    this.lastActivity = this.now();
  }

  /** First run: sets the PIN and unlocks. Throws when a PIN is already set or the PIN breaks the rule. */
  setPin(pin: string): Promise<AdminAttemptResponse> {
    return this.serialised(async () => {
      requirePinRule(pin);
      const hash = await hashPin(pin);
      if (this.store.settings.get(ADMIN_PIN) !== null) {
        throw new Error('a PIN is already set: unlock and change it instead');
      }
      this.store.settings.set(ADMIN_PIN, hash, { action: 'admin.pin-set', details: {} });
      this.lastActivity = this.now();
      return { ok: true, state: this.state() };
    });
  }

  unlock(pin: string): Promise<AdminAttemptResponse> {
    return this.serialised(async () => {
      const refused = await this.checkPin(pin, 'unlock');
      if (refused) return refused;
      this.lastActivity = this.now();
      this.store.audit.append('admin.unlock');
      return { ok: true, state: this.state() };
    });
  }

  lock(): AdminState {
    if (this.lastActivity !== null) this.store.audit.append('admin.lock');
    this.lastActivity = null;
    return this.state();
  }

  /** Needs the current PIN (wrong ones count towards the lockout); the admin stays unlocked. */
  changePin(currentPin: string, newPin: string): Promise<AdminAttemptResponse> {
    return this.serialised(async () => {
      requirePinRule(newPin);
      const refused = await this.checkPin(currentPin, 'change-pin');
      if (refused) return refused;
      this.store.settings.set(ADMIN_PIN, await hashPin(newPin), { action: 'admin.pin-change', details: {} });
      this.lastActivity = this.now();
      return { ok: true, state: this.state() };
    });
  }

  private isUnlocked(): boolean {
    if (this.lastActivity === null) return false;
    if (this.now() - this.lastActivity < this.options.idleMinutes() * 60_000) return true;
    this.lastActivity = null;
    this.store.audit.append('admin.auto-lock', { idleMinutes: this.options.idleMinutes() });
    return false;
  }

  /**
   * Checks a PIN attempt: null when right (the failure count is reset), otherwise the refusal to
   * return, with the failure counted and stored.
   */
  private async checkPin(pin: string, attempt: string): Promise<AdminAttemptResponse | null> {
    const stored = this.store.settings.get(ADMIN_PIN);
    if (stored === null) {
      return { ok: false, reason: 'no-pin-set', message: 'no PIN is set yet: set one first', state: this.state() };
    }
    const before = this.store.settings.get(ADMIN_LOCKOUT);
    if (before.lockedUntil !== null && before.lockedUntil > this.now()) {
      this.store.audit.append(`admin.${attempt}-refused`, { lockedUntil: before.lockedUntil });
      return {
        ok: false,
        reason: 'locked-out',
        message: `too many wrong PINs: try again in ${secondsUntil(before.lockedUntil, this.now())} s`,
        state: this.state(),
      };
    }
    if (await pinMatches(pin, stored)) {
      if (before.failedAttempts > 0 || before.lockouts > 0) {
        this.store.settings.set(ADMIN_LOCKOUT, ADMIN_LOCKOUT.defaultValue, {
          action: 'admin.lockout-reset',
          details: {},
        });
      }
      return null;
    }
    const after = nextLockout(before, this.now());
    this.store.settings.set(ADMIN_LOCKOUT, after, {
      action: `admin.${attempt}-failed`,
      details: { failedAttempts: after.failedAttempts, lockedUntil: after.lockedUntil },
    });
    const left = ATTEMPTS_BEFORE_LOCKOUT - (after.failedAttempts % ATTEMPTS_BEFORE_LOCKOUT);
    const message =
      after.lockedUntil !== null && after.lockedUntil > this.now()
        ? `wrong PIN: too many wrong PINs, try again in ${secondsUntil(after.lockedUntil, this.now())} s`
        : `wrong PIN: ${left} ${left === 1 ? 'try' : 'tries'} left`;
    return { ok: false, reason: 'wrong-pin', message, state: this.state() };
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** After a wrong PIN: every fifth in a row locks out, for twice as long as the lockout before. */
export function nextLockout(before: Lockout, now: number): Lockout {
  const failedAttempts = before.failedAttempts + 1;
  if (failedAttempts % ATTEMPTS_BEFORE_LOCKOUT !== 0) return { ...before, failedAttempts, lockedUntil: null };
  const lockouts = before.lockouts + 1;
  const duration = Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** (lockouts - 1));
  return { failedAttempts, lockouts, lockedUntil: now + duration };
}

function requirePinRule(pin: string): void {
  if (typeof pin !== 'string' || !PIN_RULE.test(pin)) throw new Error('a PIN is 4 to 12 digits');
}

function secondsUntil(time: number, now: number): number {
  return Math.ceil((time - now) / 1000);
}

function scryptAsync(pin: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

async function hashPin(pin: string): Promise<PinHash> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scryptAsync(pin, salt, { ...SCRYPT_PARAMS, maxmem: SCRYPT_MAX_MEMORY });
  return { algorithm: 'scrypt', ...SCRYPT_PARAMS, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

async function pinMatches(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  // A wrong-format guess still costs a full hash, so its timing says nothing.
  const candidate = await scryptAsync(typeof pin === 'string' ? pin : '', Buffer.from(stored.salt, 'base64'), {
    N: stored.N,
    r: stored.r,
    p: stored.p,
    maxmem: SCRYPT_MAX_MEMORY,
  });
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
