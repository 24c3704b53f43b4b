import { contextBridge, ipcRenderer } from 'electron';
import { API_KEY, INVOKE_CHANNELS, type ClockfaceApi, type InvokeChannel } from '../shared/ipc.js';

const allowed = new Set<string>(INVOKE_CHANNELS);

const api: ClockfaceApi = {
  invoke(channel, request) {
    if (!allowed.has(channel)) return Promise.reject(new Error(`unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(channel satisfies InvokeChannel, request);
  },
};

contextBridge.exposeInMainWorld(API_KEY, api);
