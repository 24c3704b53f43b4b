import { create } from 'zustand';
import type { AppInfo } from '../../shared/ipc';

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
      set({ info: await window.clockface.invoke('app:get-info', undefined), error: null });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },
}));
