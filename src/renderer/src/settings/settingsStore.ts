import { create } from 'zustand';
import type { AppSettings, CameraInfo, SettingKey, SettingsResponse } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';
import { sentence } from '../common/format';
import { SETTING_FIELDS, settingNamedIn } from './settingFields';

/** Why main refused a change, and the setting it names (null when it names none). */
export interface SettingsRefusal {
  readonly key: SettingKey | null;
  readonly message: string;
}

interface SettingsState {
  readonly settings: SettingsResponse | null;
  readonly cameras: readonly CameraInfo[];
  readonly error: string | null;
  readonly saving: boolean;
  readonly refusal: SettingsRefusal | null;
  /** The last save went through. */
  readonly saved: boolean;
  load(): Promise<void>;
  save(patch: Partial<AppSettings>): Promise<void>;
  /** Takes main's settings after another screen changed one (calibration applies a threshold). */
  adopt(settings: SettingsResponse): void;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  cameras: [],
  error: null,
  saving: false,
  refusal: null,
  saved: false,
  load: async () => {
    try {
      const [settings, cameras] = await Promise.all([
        invoke('settings:get', undefined),
        invoke('cameras:list', undefined),
      ]);
      set({ settings, cameras: cameras.cameras, error: null, refusal: null, saved: false });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  save: async (patch) => {
    set({ saving: true, refusal: null, saved: false });
    try {
      set({ settings: await invoke('settings:set', patch), saved: true });
    } catch (error) {
      set({ refusal: describeRefusal(error) });
    } finally {
      set({ saving: false });
    }
  },
  adopt: (settings) => set({ settings }),
}));

/** "matchThreshold cannot be 5: …" becomes "Match threshold cannot be 5: …", shown under that field. */
function describeRefusal(error: unknown): SettingsRefusal {
  const message = error instanceof Error ? error.message : String(error);
  const key = settingNamedIn(message);
  return { key, message: sentence(key ? message.replace(key, SETTING_FIELDS[key].label) : message) };
}
