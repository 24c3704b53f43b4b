import { create } from 'zustand';
import type { AttendanceEventRow, AttendanceSummaryResponse, LocalDate } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';
import { addDays, localDate } from '../common/format';

export interface AttendanceFilter {
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** null: everyone. */
  readonly personId: number | null;
}

interface AttendanceState {
  readonly filter: AttendanceFilter;
  /** Everyone the person filter offers, removed people included (their history is still here). */
  readonly people: readonly { readonly id: number; readonly name: string }[];
  readonly events: readonly AttendanceEventRow[];
  readonly summary: AttendanceSummaryResponse | null;
  readonly loading: boolean;
  readonly error: string | null;
  readonly exporting: boolean;
  /** What the last export or prune did, or why it failed. */
  readonly outcome: Outcome | null;
  loadPeople(): Promise<void>;
  /** Loads the events and summary of this range and person. */
  load(filter: AttendanceFilter): Promise<void>;
  /** Asks where to save, then writes the filter's date range (everyone) as CSV there. */
  exportCsv(options: { readonly raw: boolean; readonly bom: boolean }): Promise<void>;
  /** Deletes events older than this many days, then reloads. */
  prune(olderThanDays: number): Promise<void>;
}

export interface Outcome {
  readonly ok: boolean;
  readonly message: string;
}

/** The last seven attendance days up to today. */
export function lastWeek(today = localDate(Date.now())): AttendanceFilter {
  return { from: addDays(today, -6), to: today, personId: null };
}

export const useAttendance = create<AttendanceState>((set, get) => ({
  filter: lastWeek(),
  people: [],
  events: [],
  summary: null,
  loading: false,
  error: null,
  exporting: false,
  outcome: null,
  loadPeople: async () => {
    try {
      const people = await invoke('people:list', { includeRemoved: true });
      set({ people: people.map(({ id, name }) => ({ id, name })) });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  load: async (filter) => {
    set({ filter, loading: true });
    const request = {
      from: filter.from,
      to: filter.to,
      ...(filter.personId === null ? {} : { personId: filter.personId }),
    };
    try {
      const [query, summary] = await Promise.all([
        invoke('attendance:query', request),
        invoke('attendance:summary', request),
      ]);
      set({ events: query.events, summary, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ loading: false });
    }
  },
  exportCsv: async ({ raw, bom }) => {
    const { from, to } = get().filter;
    set({ exporting: true, outcome: null });
    try {
      const { path } = await invoke('dialog:save-csv', { defaultName: csvFileName({ from, to }, raw) });
      if (path !== null) {
        const written = await invoke('attendance:export', { from, to, raw, bom, path });
        const rows = `${written.rows} row${written.rows === 1 ? '' : 's'}`;
        set({ outcome: { ok: true, message: `Saved ${rows} (${formatBytes(written.bytes)}) to ${written.path}.` } });
      }
    } catch (error) {
      set({ outcome: { ok: false, message: errorMessage(error) } });
    } finally {
      set({ exporting: false });
    }
  },
  prune: async (olderThanDays) => {
    try {
      const pruned = await invoke('attendance:prune', { olderThanDays });
      const before = pruned.before === null ? '' : ` (before ${localDate(pruned.before)})`;
      set({
        outcome: { ok: true, message: `Deleted ${pruned.deleted} event${pruned.deleted === 1 ? '' : 's'}${before}.` },
      });
    } catch (error) {
      set({ outcome: { ok: false, message: errorMessage(error) } });
    }
    await get().load(get().filter);
  },
}));

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

/** The file name the save dialog proposes. */
export function csvFileName(filter: Pick<AttendanceFilter, 'from' | 'to'>, raw: boolean): string {
  return `attendance-${raw ? 'events-' : ''}${filter.from}-to-${filter.to}.csv`;
}
