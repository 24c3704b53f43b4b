import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../shared/ipc.js';
import { INVOKE_REQUEST_SCHEMAS } from '../../shared/ipcSchemas.js';
import type { AppBackend } from '../services/appBackend.js';
import { handle } from './handle.js';

/**
 * Electron glue for the whole contract: every invoke channel answered by the backend through
 * `handle` (zod-validated, trusted frames only), every push event sent to the window. The only
 * place besides handle.ts that touches ipcMain, and the only one that calls webContents.send.
 * Returns a function that stops forwarding pushes.
 */
export function registerIpc(
  backend: AppBackend,
  window: BrowserWindow,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  const register = <C extends InvokeChannel>(channel: C): void =>
    handle(channel, INVOKE_REQUEST_SCHEMAS[channel], isTrustedSender, (request) => backend.call(channel, request));
  for (const channel of INVOKE_CHANNELS) register(channel);
  return backend.onPush(({ channel, payload }) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
}
