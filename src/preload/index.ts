import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_KEY, INVOKE_CHANNELS, PUSH_CHANNELS, type ClockfaceApi } from '../shared/ipc.js';

const invokable = new Set<string>(INVOKE_CHANNELS);
const pushable = new Set<string>(PUSH_CHANNELS);

/** Electron wraps a handler's error as "Error invoking remote method 'x': Error: why"; the screen shows only "why". */
const REMOTE_ERROR_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

const api: ClockfaceApi = {
  async invoke(channel, request) {
    if (!invokable.has(channel)) throw new Error(`unknown channel ${String(channel)}`);
    try {
      return await ipcRenderer.invoke(channel, request);
    } catch (error) {
      throw new Error(String((error as Error).message ?? error).replace(REMOTE_ERROR_PREFIX, ''));
    }
  },
  on(channel, listener) {
    if (!pushable.has(channel)) throw new Error(`unknown push channel ${String(channel)}`);
    const forward = (_event: IpcRendererEvent, payload: Parameters<typeof listener>[0]) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld(API_KEY, api);
