import { create } from 'zustand';
import type { PersonRow } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';

interface PeopleState {
  readonly people: readonly PersonRow[];
  readonly loading: boolean;
  /** Also list removed people kept for their attendance history. */
  readonly includeRemoved: boolean;
  readonly error: string | null;
  /** What the last change did ("Alice was deleted with 5 templates"). */
  readonly notice: string | null;
  load(): Promise<void>;
  showRemoved(includeRemoved: boolean): Promise<void>;
  /** Resolves to null when renamed, or the reason it was refused. */
  rename(personId: number, name: string): Promise<string | null>;
  remove(personId: number): Promise<void>;
}

export const usePeople = create<PeopleState>((set, get) => ({
  people: [],
  loading: false,
  includeRemoved: false,
  error: null,
  notice: null,
  load: async () => {
    set({ loading: true });
    try {
      set({ people: await invoke('people:list', { includeRemoved: get().includeRemoved }), error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ loading: false });
    }
  },
  showRemoved: async (includeRemoved) => {
    set({ includeRemoved });
    await get().load();
  },
  rename: async (personId, name) => {
    try {
      const renamed = await invoke('people:rename', { personId, name });
      set((state) => ({
        people: state.people.map((person) => (person.id === personId ? renamed : person)),
        notice: null,
      }));
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  },
  remove: async (personId) => {
    try {
      const removed = await invoke('people:remove', { personId });
      const templates = `${removed.templatesDeleted} template${removed.templatesDeleted === 1 ? '' : 's'}`;
      set({
        notice:
          removed.outcome === 'deleted'
            ? `${removed.name} was deleted with ${templates} and the thumbnail.`
            : `${removed.name} was removed with ${templates} and the thumbnail; their attendance history is kept.`,
        error: null,
      });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
    await get().load();
  },
}));
