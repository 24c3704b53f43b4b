import { create } from 'zustand';
import type { AdminAttemptResponse, AdminState } from '../../../shared/ipc';
import { errorMessage, invoke, onAdminLocked } from '../api/clockface';
import { sentence } from '../common/format';

interface AdminSessionState {
  /** Main's answer; null until the first one arrives. */
  readonly admin: AdminState | null;
  /** Why the last PIN attempt (set or unlock) was refused, as a sentence; null after a success. */
  readonly attemptMessage: string | null;
  /** A PIN attempt is being checked (scrypt takes a moment on purpose). */
  readonly checking: boolean;
  refresh(): Promise<void>;
  setPin(pin: string): Promise<void>;
  unlock(pin: string): Promise<void>;
  lock(): Promise<void>;
  /** Resolves to the refusal's sentence, or null when the PIN was changed. */
  changePin(currentPin: string, newPin: string): Promise<string | null>;
}

export const useAdminSession = create<AdminSessionState>((set) => {
  /** Runs one PIN attempt; a refusal is shown, a thrown error (bad PIN format, …) too. */
  const attempt = async (call: () => Promise<AdminAttemptResponse>): Promise<void> => {
    set({ checking: true });
    try {
      const response = await call();
      set({ admin: response.state, attemptMessage: response.ok ? null : sentence(response.message) });
    } catch (error) {
      set({ attemptMessage: errorMessage(error) });
    } finally {
      set({ checking: false });
    }
  };

  return {
    admin: null,
    attemptMessage: null,
    checking: false,
    refresh: async () => {
      try {
        set({ admin: await invoke('admin:get-state', undefined) });
      } catch (error) {
        set({ attemptMessage: errorMessage(error) });
      }
    },
    setPin: (pin) => attempt(() => invoke('admin:set-pin', { pin })),
    unlock: (pin) => attempt(() => invoke('admin:unlock', { pin })),
    lock: async () => {
      set({ admin: await invoke('admin:lock', undefined), attemptMessage: null });
    },
    changePin: async (currentPin, newPin) => {
      try {
        const response = await invoke('admin:change-pin', { currentPin, newPin });
        set({ admin: response.state });
        return response.ok ? null : sentence(response.message);
      } catch (error) {
        return errorMessage(error);
      }
    },
  };
});

/** Re-reads the admin state whenever main refuses a call because the screens locked themselves. */
export function watchAdminLock(): () => void {
  return onAdminLocked(() => void useAdminSession.getState().refresh());
}
