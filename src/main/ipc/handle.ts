import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../shared/ipc.js';
import { describeInvalidRequest } from '../../shared/ipcSchemas.js';

/**
 * The only way main answers the renderer: the request is validated with zod before the handler
 * sees it, and only our own window's frames may call.
 */
export function handle<C extends InvokeChannel>(
  channel: C,
  requestSchema: z.ZodType<InvokeRequest<C>>,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  handler: (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> | InvokeResponse<C>,
): void {
  ipcMain.handle(channel, async (event, raw: unknown) => {
    if (!isTrustedSender(event)) throw new Error(`${channel}: refused a call from an untrusted frame`);
    const parsed = requestSchema.safeParse(raw);
    if (!parsed.success) throw new Error(describeInvalidRequest(channel, parsed.error));
    return handler(parsed.data);
  });
}
