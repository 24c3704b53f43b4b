/**
 * Just enough of Electron's main-process API to run the bundled main process (out/main/index.js)
 * under plain Node, where Electron's binary cannot be downloaded. It plays the renderer's part
 * through the registered IPC handlers and reports what happens as JSON lines on stdout
 * ("smoke {…}"), which mainBundle.test.ts reads.
 */
import { EventEmitter } from 'node:events';
import process from 'node:process';
import { setImmediate } from 'node:timers';
import { pathToFileURL } from 'node:url';

const report = (entry) => process.stdout.write(`smoke ${JSON.stringify(entry)}\n`);
const handlers = new Map();
let rendererUrl = null;

/** Calls a handler as a frame at `url` would; resolves to { ok, value } or { ok: false, error }. */
async function invoke(channel, request, url = rendererUrl) {
  const handler = handlers.get(channel);
  if (!handler) return { ok: false, error: `no handler for ${channel}` };
  try {
    return { ok: true, value: await handler({ senderFrame: { url } }, request) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

async function actAsRenderer() {
  report({ type: 'channels', channels: [...handlers.keys()].sort() });
  for (const [channel, request] of [
    ['app:get-info', undefined],
    ['admin:get-state', undefined],
    ['people:list', {}],
    ['settings:set', { matchThreshold: 'high' }],
  ]) {
    report({ type: 'invoke', channel, result: await invoke(channel, request) });
  }
  report({ type: 'untrusted', result: await invoke('app:get-info', undefined, 'https://example.com/') });
}

function summarise(channel, payload) {
  if (channel !== 'live:frame') return payload;
  const { sequence, width, height, faces, jpeg } = payload;
  return { sequence, width, height, faces: faces.length, jpegPrefix: jpeg.slice(0, 23), jpegLength: jpeg.length };
}

const appEvents = new EventEmitter();
export const app = Object.assign(appEvents, {
  isPackaged: false,
  enableSandbox: () => undefined,
  requestSingleInstanceLock: () => true,
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-smoke',
  whenReady: () => Promise.resolve(),
  quit: () => {
    // The main process quits once its before-quit handler has closed the backend.
    const listeners = appEvents.listeners('before-quit');
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    for (const listener of listeners) listener(event);
    if (!prevented) {
      report({ type: 'quit' });
      process.exit(0);
    }
  },
  exit: (code) => {
    report({ type: 'exit', code });
    process.exit(code);
  },
});

const windows = [];
export class BrowserWindow extends EventEmitter {
  static getAllWindows = () => windows;
  kiosk;
  constructor(options) {
    super();
    this.kiosk = options.kiosk ?? false;
    report({ type: 'window', webPreferences: options.webPreferences });
    windows.push(this);
    this.webContents = Object.assign(new EventEmitter(), {
      setWindowOpenHandler: () => undefined,
      send: (channel, payload) => {
        report({ type: 'send', channel, payload: summarise(channel, payload) });
        if (channel === 'live:frame') void invoke('live:frame-shown', { sequence: payload.sequence });
        if (channel === 'live:status' && payload.state === 'ended') app.quit();
      },
    });
  }
  isKiosk = () => this.kiosk;
  setKiosk = (kiosk) => (this.kiosk = kiosk);
  removeMenu = () => undefined;
  isDestroyed = () => false;
  isMinimized = () => false;
  show = () => undefined;
  async loadURL(url) {
    rendererUrl = url;
    setImmediate(() => void actAsRenderer());
  }
  async loadFile(path) {
    await this.loadURL(pathToFileURL(path).href);
  }
}

export const ipcMain = {
  handle: (channel, handler) => {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  },
};

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: () => undefined },
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
  },
};

export const dialog = {
  showErrorBox: (title, content) => report({ type: 'error-box', title, content }),
  showSaveDialog: async () => ({ canceled: true }),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
};

export const powerSaveBlocker = { start: () => 1, stop: () => undefined };
export const shell = { openExternal: async () => undefined };
