import { create } from 'zustand';
import type { AdminAttemptResponse, AdminState } from '../../../shared/ipc';
import { errorMessage, invoke, onAdminLocked } from '../api/clockface';
import { sentence } from '../common/format';

/** What the PIN pad says under its keys. */
export interface PinNote {
  readonly text: string;
  readonly tone: 'error' | 'notice';
}

interface AdminSessionState {
  /** Main's answer; null until the first one arrives. */
  readonly admin: AdminState | null;
  /** Why the last PIN attempt (set or unlock) was refused, or that a lockout is over; null after a success. */
  readonly pinMessage: PinNote | null;
  /** A PIN attempt is being checked (scrypt takes a moment on purpose). */
  readonly checking: boolean;
  refresh(): Promise<void>;
  /** The lockout countdown has run out: re-reads the state and, when main takes PINs again, says so. */
  lockoutOver(): Promise<void>;
  setPin(pin: string): Promise<void>;
  unlock(pin: string): Promise<void>;
  lock(): Promise<void>;
  /** Resolves to the refusal's sentence, or null when the PIN was changed. */
  changePin(currentPin: string, newPin: string): Promise<string | null>;
}

const refused = (text: string): PinNote => ({ text, tone: 'error' });

export const useAdminSession = create<AdminSessionState>((set, get) => {
  /** Runs one PIN attempt; a refusal is shown, a thrown error (bad PIN format, …) too. */
  const attempt = async (call: () => Promise<AdminAttemptResponse>): Promise<void> => {
    set({ checking: true });
    try {
      const response = await call();
      set({ admin: response.state, pinMessage: response.ok ? null : refused(sentence(response.message)) });
    } catch (error) {
      set({ pinMessage: refused(errorMessage(error)) });
    } finally {
      set({ checking: false });
    }
  };

  return {
    admin: null,
    pinMessage: null,
    checking: false,
    refresh: async () => {
      try {
        set({ admin: await invoke('admin:get-state', undefined) });
      } catch (error) {
        set({ pinMessage: refused(errorMessage(error)) });
      }
    },
    lockoutOver: async () => {
      await get().refresh();
      // The refusal that started the lockout ("too many wrong PINs") no longer holds.
      if (get().admin?.lockedUntil === null) set({ pinMessage: { text: 'You can try again.', tone: 'notice' } });
    },
    setPin: (pin) => attempt(() => invoke('admin:set-pin', { pin })),
    unlock: (pin) => attempt(() => invoke('admin:unlock', { pin })),
    lock: async () => {
      set({ admin: await invoke('admin:lock', undefined), pinMessage: null });
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
