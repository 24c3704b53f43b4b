import { create } from 'zustand';
import type { AppInfo } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';

interface AppInfoState {
  readonly info: AppInfo | null;
  readonly error: string | null;
  load(): Promise<void>;
}

export const useAppInfo = create<AppInfoState>((set) => ({
  info: null,
  error: null,
  async load() {
    try {
      set({ info: await invoke('app:get-info', undefined), error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
}));
