import { z } from 'zod';
import type { AppSettings, SettingKey } from '../../shared/ipc.js';
import {
  ATTENDANCE_COOLDOWN_MINUTES,
  ATTENDANCE_DAY_BOUNDARY,
  ATTENDANCE_MODE,
} from '../engine/attendance/attendanceService.js';
import { DEFAULT_ENGINE_CONFIG, engineConfigSchema } from '../engine/config.js';
import { parseSource } from '../engine/live/videoSource.js';
import { defineSetting, type SettingDefinition, type Store } from '../engine/store/index.js';

/**
 * The settings the admin's Settings screen edits, stored in the settings table. Each is defined
 * once with its zod schema and default; the attendance ones are the attendance service's own.
 */

/** The live video: camera 0, the machine's first camera, unless set. */
export const CAMERA_SOURCE = defineSetting('camera.source', z.string().trim().min(1).max(4096), '0');
/** The engine's detector: SSD, the most accurate (see src/main/engine/config.ts). */
export const DETECTOR = defineSetting(
  'engine.detector',
  engineConfigSchema.shape.detector.unwrap(),
  DEFAULT_ENGINE_CONFIG.detector,
);
/** dlib's calibrated 0.6 until the admin applies a calibrated value. */
export const MATCH_THRESHOLD = defineSetting(
  'engine.matchThreshold',
  engineConfigSchema.shape.matchThreshold.unwrap(),
  DEFAULT_ENGINE_CONFIG.matchThreshold,
);
/** 0 keeps attendance forever: deleting history is the admin's decision, never a default. */
export const RETENTION_DAYS = defineSetting(
  'attendance.retentionDays',
  z.number().int('must be a whole number of days').min(0).max(36_500),
  0,
);
/** Off by default so that a developer's `npm run dev` does not take over the screen; on for the wall-mounted station. */
export const KIOSK_FULL_SCREEN = defineSetting('kiosk.fullScreen', z.boolean(), false);
/** Five idle minutes lock the admin screens: long enough to enrol someone, short for an unattended kiosk. */
export const ADMIN_IDLE_MINUTES = defineSetting(
  'admin.idleMinutes',
  z.number().int('must be a whole number of minutes').min(1).max(240),
  5,
);

const DEFINITIONS: { readonly [K in SettingKey]: SettingDefinition<AppSettings[K]> } = {
  cameraSource: CAMERA_SOURCE,
  detector: DETECTOR,
  matchThreshold: MATCH_THRESHOLD,
  cooldownMinutes: ATTENDANCE_COOLDOWN_MINUTES,
  attendanceMode: ATTENDANCE_MODE,
  dayBoundary: ATTENDANCE_DAY_BOUNDARY,
  retentionDays: RETENTION_DAYS,
  kioskFullScreen: KIOSK_FULL_SCREEN,
  adminIdleMinutes: ADMIN_IDLE_MINUTES,
};

const KEYS = Object.keys(DEFINITIONS) as SettingKey[];

/** Settings the running app reads once at start (the engine loads its detector then). */
export const RESTART_REQUIRED_KEYS: readonly SettingKey[] = ['detector', 'kioskFullScreen'];

export const DEFAULT_APP_SETTINGS: AppSettings = Object.fromEntries(
  KEYS.map((key) => [key, DEFINITIONS[key].defaultValue]),
) as unknown as AppSettings;

/** A setting value the service refuses; the message names the setting and the rule. */
export class SettingsError extends Error {
  constructor(
    readonly key: SettingKey | null,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export interface SettingsService {
  get(): AppSettings;
  /**
   * Validates every given setting, then stores them all in one transaction (each with its audit
   * entry): one invalid value and nothing is stored. Returns the settings after the change.
   */
  set(patch: Partial<AppSettings>): AppSettings;
}

export function createSettingsService(store: Pick<Store, 'settings' | 'transaction'>): SettingsService {
  const get = (): AppSettings =>
    Object.fromEntries(
      KEYS.map((key) => [key, store.settings.get(DEFINITIONS[key] as SettingDefinition<unknown>)]),
    ) as unknown as AppSettings;

  return {
    get,
    set: (patch) => {
      const changes: { key: SettingKey; value: unknown }[] = [];
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        if (!(key in DEFINITIONS)) throw new SettingsError(null, `there is no setting called "${key}"`);
        const settingKey = key as SettingKey;
        const parsed = DEFINITIONS[settingKey].schema.safeParse(value);
        if (!parsed.success) {
          throw new SettingsError(
            settingKey,
            `${settingKey} cannot be ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          );
        }
        if (settingKey === 'cameraSource') requireVideoSource(parsed.data as string);
        changes.push({ key: settingKey, value: parsed.data });
      }
      store.transaction(() => {
        for (const { key, value } of changes) store.settings.set(DEFINITIONS[key] as SettingDefinition<unknown>, value);
      });
      return get();
    },
  };
}

/** A camera index, an existing video file or a stream URL, as the live loop will open it. */
function requireVideoSource(source: string): void {
  try {
    parseSource(source);
  } catch (error) {
    throw new SettingsError('cameraSource', `cameraSource cannot be used: ${(error as Error).message}`);
  }
}
