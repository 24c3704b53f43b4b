import { create } from 'zustand';
import type { ImportFileResult, Progress } from '../../../shared/ipc';
import { subscribe } from '../api/clockface';

/** One long operation as its 'progress' pushes tell it. */
export interface OperationProgress {
  readonly done: number;
  readonly total: number;
  /** The file just finished. */
  readonly file: string | null;
  /** Every file's outcome so far, in the order they finished. */
  readonly results: readonly ImportFileResult[];
}

interface ProgressState {
  readonly operations: Readonly<Record<string, OperationProgress>>;
  forget(operationId: string): void;
}

export const useProgress = create<ProgressState>((set) => ({
  operations: {},
  forget: (operationId) =>
    set((state) => {
      const operations = Object.entries(state.operations).filter(([id]) => id !== operationId);
      return { operations: Object.fromEntries(operations) };
    }),
}));

function record(progress: Progress): void {
  useProgress.setState((state) => {
    const before = state.operations[progress.operationId];
    const results = progress.result ? [...(before?.results ?? []), progress.result] : (before?.results ?? []);
    return {
      operations: {
        ...state.operations,
        [progress.operationId]: { done: progress.done, total: progress.total, file: progress.file, results },
      },
    };
  });
}

/** Collects every 'progress' push by operation id; the returned function stops listening. */
export function connectProgress(): () => void {
  return subscribe('progress', record);
}
