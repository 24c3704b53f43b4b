import { create } from 'zustand';
import type { CapturePrompt, CaptureRejection, EnrolCaptureStartRequest, PersonRow } from '../../../shared/ipc';
import { errorMessage, invoke } from '../api/clockface';

export type ShotOutcome =
  | { readonly accepted: true; readonly thumbnail: string }
  | { readonly accepted: false; readonly reason: CaptureRejection; readonly reasons: readonly string[] };

interface CaptureSession {
  readonly id: string;
  readonly request: EnrolCaptureStartRequest;
  readonly prompts: readonly CapturePrompt[];
  readonly personExists: boolean;
}

interface CaptureState {
  readonly session: CaptureSession | null;
  /** The prompt the next shot is for. */
  readonly current: CapturePrompt | null;
  readonly shots: Partial<Readonly<Record<CapturePrompt, ShotOutcome>>>;
  readonly busy: boolean;
  readonly error: string | null;
  /** What the last saved session stored. */
  readonly saved: { readonly person: PersonRow | null; readonly templatesAdded: number } | null;
  start(request: EnrolCaptureStartRequest): Promise<void>;
  shoot(): Promise<void>;
  choose(prompt: CapturePrompt): void;
  finish(save: boolean): Promise<void>;
  /** Starts the session again accepting faces that match someone else (a twin, a re-enrolment). */
  restartAllowingDuplicates(): Promise<void>;
}

const idle = { session: null, current: null, shots: {}, busy: false } as const;

/** The first prompt after `from` (wrapping round) without an accepted shot; `from` itself when all have one. */
function nextPrompt(
  prompts: readonly CapturePrompt[],
  from: CapturePrompt,
  shots: CaptureState['shots'],
): CapturePrompt {
  const start = prompts.indexOf(from);
  for (let step = 1; step <= prompts.length; step += 1) {
    const prompt = prompts[(start + step) % prompts.length];
    if (prompt && !shots[prompt]?.accepted) return prompt;
  }
  return from;
}

export const useCapture = create<CaptureState>((set, get) => ({
  ...idle,
  error: null,
  saved: null,
  start: async (request) => {
    set({ busy: true, error: null, saved: null });
    try {
      const started = await invoke('enrol-capture:start', request);
      set({
        ...idle,
        session: { id: started.sessionId, request, prompts: started.prompts, personExists: started.personExists },
        current: started.prompts[0] ?? null,
      });
    } catch (error) {
      set({ busy: false, error: errorMessage(error) });
    }
  },
  shoot: async () => {
    const { session, current } = get();
    if (!session || !current) return;
    set({ busy: true, error: null });
    try {
      const shot = await invoke('enrol-capture:shot', { sessionId: session.id, prompt: current });
      set((state) => {
        const outcome: ShotOutcome = shot.accepted
          ? { accepted: true, thumbnail: shot.thumbnail }
          : { accepted: false, reason: shot.reason, reasons: shot.reasons };
        const shots = { ...state.shots, [shot.prompt]: outcome };
        return { shots, current: shot.accepted ? nextPrompt(session.prompts, shot.prompt, shots) : shot.prompt };
      });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ busy: false });
    }
  },
  choose: (prompt) => set({ current: prompt }),
  finish: async (save) => {
    const { session } = get();
    if (!session) return;
    set({ busy: true, error: null });
    try {
      const finished = await invoke('enrol-capture:finish', { sessionId: session.id, save });
      set({ ...idle, saved: save ? finished : null });
    } catch (error) {
      set({ busy: false, error: errorMessage(error) });
    }
  },
  restartAllowingDuplicates: async () => {
    const { session } = get();
    if (!session) return;
    await get().finish(false);
    await get().start({ ...session.request, force: true });
  },
}));

/** The accepted shots of the session. */
export function acceptedShots(shots: CaptureState['shots']): number {
  return Object.values(shots).filter((shot) => shot.accepted).length;
}
