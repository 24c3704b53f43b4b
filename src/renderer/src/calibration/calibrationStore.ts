import { create } from 'zustand';
import type { CalibrationReport } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';
import { useSettings } from '../settings/settingsStore';

interface CalibrationState {
  readonly report: CalibrationReport | null;
  readonly computing: boolean;
  readonly error: string | null;
  /** The threshold just applied; null before any. */
  readonly applied: number | null;
  compute(targetFar: number): Promise<void>;
  apply(threshold: number): Promise<void>;
}

export const useCalibration = create<CalibrationState>((set) => ({
  report: null,
  computing: false,
  error: null,
  applied: null,
  compute: async (targetFar) => {
    set({ computing: true, error: null, applied: null });
    try {
      set({ report: await invoke('calibration:compute', { targetFar }) });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ computing: false });
    }
  },
  apply: async (threshold) => {
    try {
      const settings = await invoke('calibration:apply', { threshold });
      useSettings.getState().adopt(settings);
      set((state) => ({
        applied: settings.values.matchThreshold,
        report: state.report && { ...state.report, currentThreshold: settings.values.matchThreshold },
        error: null,
      }));
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
}));
