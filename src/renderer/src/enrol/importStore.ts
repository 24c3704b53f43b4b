import { create } from 'zustand';
import type { ImportFileResult } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';
import { newOperationId } from '../common/operationId';
import { useProgress } from '../progress/progressStore';

export interface ImportRun {
  readonly kind: 'photos' | 'folder' | 'force';
  /** The operation whose 'progress' pushes the bar shows. */
  readonly operationId: string;
  readonly running: boolean;
  /** Every photo's outcome once the run is over. */
  readonly results: readonly ImportFileResult[] | null;
  readonly summary: string | null;
  readonly error: string | null;
}

interface ImportState {
  readonly run: ImportRun | null;
  /** Asks for photos of one person and enrols them. */
  enrolPhotos(name: string, employeeCode: string): Promise<void>;
  /** Asks for a `<folder>/<person>/<photos>` folder and enrols everyone in it. */
  importFolder(): Promise<void>;
  /** Enrols again, with force, the photos refused because they matched someone else. */
  enrolDuplicatesAnyway(): Promise<void>;
}

export function isDuplicate(result: ImportFileResult): boolean {
  return !result.ok && result.reason === 'duplicate-of-another-person';
}

function count(results: readonly ImportFileResult[]): string {
  const enrolled = results.filter((result) => result.ok).length;
  return `${enrolled} of ${results.length} photo${results.length === 1 ? '' : 's'} enrolled`;
}

export const useImport = create<ImportState>((set, get) => {
  /** Starts a run; `results` are the earlier ones a forced retry keeps showing meanwhile. */
  const begin = (kind: ImportRun['kind'], results: readonly ImportFileResult[] | null = null): string => {
    const operationId = newOperationId(kind);
    set({ run: { kind, operationId, running: true, results, summary: null, error: null } });
    return operationId;
  };
  /** The run's pushes are no longer needed once its response has every result. */
  const forgetProgress = () => {
    const operationId = get().run?.operationId;
    if (operationId) useProgress.getState().forget(operationId);
  };
  const end = (results: readonly ImportFileResult[], summary: string) => {
    forgetProgress();
    set((state) => ({ run: state.run && { ...state.run, results, summary, running: false } }));
  };
  /** Ends the running run with the error, or, when the dialog failed before any began, shows the error alone. */
  const fail = (kind: ImportRun['kind'], error: unknown) => {
    forgetProgress();
    set((state) => ({
      run: {
        ...(state.run?.running ? state.run : { kind, operationId: '', results: null, summary: null }),
        running: false,
        error: errorMessage(error),
      },
    }));
  };

  return {
    run: null,
    enrolPhotos: async (name, employeeCode) => {
      try {
        const { paths } = await invoke('dialog:open-images', undefined);
        if (paths.length === 0) return;
        const operationId = begin('photos');
        const response = await invoke('people:enrol-files', { name, employeeCode, paths, operationId });
        const results = response.results.map((result) => ({ ...result, person: name }));
        end(results, `${count(results)} for ${name}.`);
      } catch (error) {
        fail('photos', error);
      }
    },
    importFolder: async () => {
      try {
        const { path } = await invoke('dialog:open-folder', undefined);
        if (path === null) return;
        const operationId = begin('folder');
        const response = await invoke('people:import-folder', { folder: path, operationId });
        const people = response.people.length;
        end(response.results, `${count(response.results)} for ${people} ${people === 1 ? 'person' : 'people'}.`);
      } catch (error) {
        fail('folder', error);
      }
    },
    enrolDuplicatesAnyway: async () => {
      const before = get().run?.results ?? [];
      const byPerson = new Map<string, string[]>();
      for (const result of before.filter(isDuplicate)) {
        byPerson.set(result.person, [...(byPerson.get(result.person) ?? []), result.file]);
      }
      const forced: ImportFileResult[] = [];
      try {
        for (const [name, paths] of byPerson) {
          const operationId = begin('force', before);
          const response = await invoke('people:enrol-files', { name, paths, force: true, operationId });
          forced.push(...response.results.map((result) => ({ ...result, person: name })));
        }
        const key = (result: ImportFileResult) => `${result.person}\u0000${result.file}`;
        const retried = new Map(forced.map((result) => [key(result), result]));
        const results = before.map((result) => retried.get(key(result)) ?? result);
        end(results, `${count(forced)} despite the match; ${count(results)} in all.`);
      } catch (error) {
        fail('force', error);
      }
    },
  };
});
