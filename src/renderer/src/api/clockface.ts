import type {
  ClockfaceApi,
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  PushChannel,
  PushPayload,
} from '../../../shared/ipc';
import { sentence } from '../common/format';

/**
 * The renderer's only door to the main process: every store calls main through here, never
 * through `window.clockface` directly. The global is read at each call, so a test can install its
 * fake before the first call.
 */

/** What main answers, per the contract, to an admin-only call while the admin screens are locked. */
export const ADMIN_LOCKED_MESSAGE = 'the admin screens are locked: enter the PIN';

type LockedListener = () => void;
const lockedListeners = new Set<LockedListener>();

function api(): ClockfaceApi {
  return window.clockface;
}

/** One request/response call; rejects with main's one-sentence Error. */
export async function invoke<C extends InvokeChannel>(
  channel: C,
  request: InvokeRequest<C>,
): Promise<InvokeResponse<C>> {
  try {
    return await api().invoke(channel, request);
  } catch (error) {
    // Main locks the admin screens by itself after the idle time: tell the admin session at once.
    if (error instanceof Error && error.message.includes(ADMIN_LOCKED_MESSAGE))
      for (const listener of lockedListeners) listener();
    throw error;
  }
}

/** Listens to one push channel; the returned function stops listening. */
export function subscribe<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void): () => void {
  return api().on(channel, listener);
}

/** Called whenever a call was refused because the admin screens locked themselves. */
export function onAdminLocked(listener: LockedListener): () => void {
  lockedListeners.add(listener);
  return () => {
    lockedListeners.delete(listener);
  };
}

/** The sentence to show for a failed call, starting with a capital. */
export function errorMessage(error: unknown): string {
  return sentence(error instanceof Error ? error.message : String(error));
}
