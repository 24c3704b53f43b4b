import { create } from 'zustand';
import type { LiveFrame, LiveStatus } from '../../../shared/ipc';
import { invoke, subscribe } from '../api/clockface';
import { greetingFor, type Greeting } from './greeting';

/** How long a greeting stays before it fades, and how long the fade takes (the CSS transition's length). */
export const GREETING_VISIBLE_MS = 5000;
export const GREETING_FADE_MS = 800;
/** The unknown-face hint stays this long after the last 'live:unknown' for the face. */
export const UNKNOWN_HINT_MS = 4000;

/** 'shown' → 'fading' → 'hidden'; a new greeting restarts at 'shown'. */
export type GreetingPhase = 'hidden' | 'shown' | 'fading';

interface LiveState {
  /** The newest preview frame with its faces; null before the first or while the camera is down. */
  readonly frame: LiveFrame | null;
  readonly status: LiveStatus | null;
  readonly greeting: Greeting | null;
  readonly greetingPhase: GreetingPhase;
  /** Increases with every greeting, so the panel can restart its fade-in for the same person. */
  readonly greetingCount: number;
  /** The track of the unrecognised face the hint is about; null when no hint is shown. */
  readonly unknownTrackId: number | null;
}

export const useLiveStore = create<LiveState>(() => ({
  frame: null,
  status: null,
  greeting: null,
  greetingPhase: 'hidden',
  greetingCount: 0,
  unknownTrackId: null,
}));

/**
 * Listens to the live pushes and fetches the current source state; the returned function stops
 * listening and cancels the greeting and hint timers.
 */
export function connectLive(): () => void {
  let greetingTimers: ReturnType<typeof setTimeout>[] = [];
  let hintTimer: ReturnType<typeof setTimeout> | undefined;
  let connected = true;
  const set = useLiveStore.setState;

  const clearGreetingTimers = () => {
    for (const timer of greetingTimers) clearTimeout(timer);
    greetingTimers = [];
  };
  const hideHint = () => {
    clearTimeout(hintTimer);
    set({ unknownTrackId: null });
  };

  const unsubscribers = [
    subscribe('live:frame', (frame) => {
      if (isStale(frame, useLiveStore.getState().status)) {
        // Not drawn, but handled: main waits for this before it sends the next frame.
        acknowledgeFrame(frame.sequence);
        return;
      }
      set({ frame });
    }),
    subscribe('live:status', (status) => set(status.state === 'ok' ? { status } : { status, frame: null })),
    subscribe('live:attendance', (event) => {
      clearGreetingTimers();
      set((state) => ({
        greeting: greetingFor(event),
        greetingPhase: 'shown',
        greetingCount: state.greetingCount + 1,
      }));
      greetingTimers = [
        setTimeout(() => set({ greetingPhase: 'fading' }), GREETING_VISIBLE_MS),
        setTimeout(() => set({ greetingPhase: 'hidden', greeting: null }), GREETING_VISIBLE_MS + GREETING_FADE_MS),
      ];
    }),
    subscribe('live:unknown', (event) => {
      clearTimeout(hintTimer);
      set({ unknownTrackId: event.trackId });
      hintTimer = setTimeout(hideHint, UNKNOWN_HINT_MS);
    }),
    // The face the hint was about has just been recognised after all.
    subscribe('live:identified', (event) => {
      if (useLiveStore.getState().unknownTrackId === event.trackId) hideHint();
    }),
  ];

  invoke('live:get-status', undefined).then(
    (status) => {
      // A push that came while the call was under way is newer than this answer.
      if (connected && useLiveStore.getState().status === null) set({ status });
    },
    () => {
      // The status pushes still arrive; the banner waits for them.
    },
  );

  return () => {
    connected = false;
    for (const unsubscribe of unsubscribers) unsubscribe();
    clearGreetingTimers();
    clearTimeout(hintTimer);
  };
}

/**
 * A frame is only shown while the source delivers, and only when it was made after the status
 * said so: one that arrives after the source ended or was lost (or from the source before a
 * switch) would put back a picture the status just took down.
 */
function isStale(frame: LiveFrame, status: LiveStatus | null): boolean {
  if (status === null) return false;
  return status.state !== 'ok' || frame.capturedAt < status.at;
}

/** Tells main the frame is on screen, so it sends the next one (see 'live:frame-shown'). */
export function acknowledgeFrame(sequence: number): void {
  invoke('live:frame-shown', { sequence }).catch(() => {
    // Main sends the next frame after a second without the acknowledgement anyway.
  });
}
