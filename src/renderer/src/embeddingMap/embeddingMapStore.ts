import { create } from 'zustand';
import type { EmbeddingMapResponse } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';

interface EmbeddingMapState {
  readonly map: EmbeddingMapResponse | null;
  readonly computing: boolean;
  readonly error: string | null;
  compute(seed: number): Promise<void>;
}

export const useEmbeddingMap = create<EmbeddingMapState>((set) => ({
  map: null,
  computing: false,
  error: null,
  compute: async (seed) => {
    set({ computing: true, error: null });
    try {
      set({ map: await invoke('embedding-map:compute', { seed }) });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ computing: false });
    }
  },
}));
