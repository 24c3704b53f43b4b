import type { AppSettings, SettingKey } from '../../../shared/ipc';

type FieldKind =
  | { readonly type: 'camera' }
  /** Shown to `decimals` places: a threshold stored as 0.5708663731031314 reads 0.571. */
  | { readonly type: 'number'; readonly step: number; readonly decimals: number }
  | { readonly type: 'time' }
  | { readonly type: 'checkbox' }
  | { readonly type: 'select'; readonly options: readonly { readonly value: string; readonly label: string }[] };

export interface SettingField {
  readonly label: string;
  /** What the value does, and its bounds. */
  readonly hint: string;
  readonly kind: FieldKind;
}

/** Every setting the contract has, in the order the form shows them (the type refuses a missing one). */
export const SETTING_FIELDS: { readonly [K in SettingKey]: SettingField } = {
  cameraSource: {
    label: 'Camera',
    hint: 'A camera number (0 is the first), a video file path, or a stream URL (rtsp://, http://).',
    kind: { type: 'camera' },
  },
  detector: {
    label: 'Face detector',
    hint: 'Takes effect after a restart.',
    kind: {
      type: 'select',
      options: [
        { value: 'ssd', label: 'SSD — most accurate' },
        { value: 'tiny', label: 'Tiny — faster, misses small faces' },
        { value: 'haar', label: 'Haar — fastest, frontal faces only' },
      ],
    },
  },
  matchThreshold: {
    label: 'Match threshold',
    hint: 'A face at or below this distance is the matched person; lower is stricter (above 0, at most 2).',
    kind: { type: 'number', step: 0.001, decimals: 3 },
  },
  cooldownMinutes: {
    label: 'Cooldown (minutes)',
    hint: 'After a check-in or check-out, recognitions within this time record nothing (0 to 1440).',
    kind: { type: 'number', step: 1, decimals: 0 },
  },
  attendanceMode: {
    label: 'Attendance mode',
    hint: 'In and out: the first recognition of the day checks in, later ones check out.',
    kind: {
      type: 'select',
      options: [
        { value: 'in-out', label: 'Check in and out' },
        { value: 'in-only', label: 'Check in only' },
      ],
    },
  },
  dayBoundary: {
    label: 'Attendance day starts at',
    hint: 'A night shift’s check-out before this time belongs to the day before.',
    kind: { type: 'time' },
  },
  retentionDays: {
    label: 'Keep attendance for (days)',
    hint: 'Older events are deleted every day; 0 keeps everything.',
    kind: { type: 'number', step: 1, decimals: 0 },
  },
  kioskFullScreen: {
    label: 'Full-screen kiosk',
    hint: 'Takes effect after a restart.',
    kind: { type: 'checkbox' },
  },
  adminIdleMinutes: {
    label: 'Lock the admin screens after (idle minutes)',
    hint: '1 to 240.',
    kind: { type: 'number', step: 1, decimals: 0 },
  },
};

export const SETTING_KEYS = Object.keys(SETTING_FIELDS) as SettingKey[];

/** The setting an error message is about: main's messages start with, or name, the setting's key. */
export function settingNamedIn(message: string): SettingKey | null {
  return SETTING_KEYS.find((key) => new RegExp(`\\b${key}\\b`).test(message)) ?? null;
}

/** The form's editable copy: numbers as typed text, so a half-typed number is not lost. */
export type SettingsDraft = { [K in SettingKey]: AppSettings[K] extends number ? string : AppSettings[K] };

export function toDraft(values: AppSettings): SettingsDraft {
  return {
    ...values,
    matchThreshold: shownNumber('matchThreshold', values.matchThreshold),
    cooldownMinutes: shownNumber('cooldownMinutes', values.cooldownMinutes),
    retentionDays: shownNumber('retentionDays', values.retentionDays),
    adminIdleMinutes: shownNumber('adminIdleMinutes', values.adminIdleMinutes),
  };
}

/** A number as its field shows it: rounded to the field's decimals, without trailing zeros ("0.6", "0.571", "5"). */
function shownNumber(key: SettingKey, value: number): string {
  const kind = SETTING_FIELDS[key].kind;
  return kind.type === 'number' ? String(Number(value.toFixed(kind.decimals))) : String(value);
}

export type DraftResult =
  | { readonly ok: true; readonly patch: Partial<AppSettings> }
  | { readonly ok: false; readonly key: SettingKey; readonly message: string };

/**
 * The settings the draft changes; a number field that is not a number is refused here. A field
 * left as shown is not a change, so a value shown rounded is stored again only when edited.
 */
export function changedSettings(draft: SettingsDraft, values: AppSettings): DraftResult {
  const shown = toDraft(values);
  const patch: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const edited = draft[key];
    if (edited === shown[key]) continue;
    const value = typeof values[key] === 'number' ? Number(edited) : edited;
    if (typeof values[key] === 'number' && (String(edited).trim() === '' || !Number.isFinite(value))) {
      return { ok: false, key, message: `${SETTING_FIELDS[key].label}: enter a number.` };
    }
    if (value !== values[key]) patch[key] = value;
  }
  return { ok: true, patch: patch as Partial<AppSettings> };
}
