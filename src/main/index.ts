import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  powerSaveBlocker,
  session,
  shell,
  type IpcMainInvokeEvent,
  type Session,
} from 'electron';
import { defaultDatabasePath } from './engine/store/paths.js';
import { electronDialogs } from './ipc/electronDialogs.js';
import { registerIpc } from './ipc/registerIpc.js';
import { AppBackend } from './services/appBackend.js';
import { LiveLoopSource } from './services/liveLoopSource.js';

/**
 * Electron glue only: windows, security and IPC wiring. The engine lives in ./engine.
 * Security follows Electron's checklist: sandboxed renderers with context isolation and no Node,
 * a strict Content-Security-Policy, no navigation or new windows, permissions denied except the
 * camera for our own page. Electron has had no `remote` module since v14 and @electron/remote is
 * not a dependency, so the renderer reaches main only through the preload's typed API.
 */

const rendererDevUrl = process.env['ELECTRON_RENDERER_URL'];
const rendererDevOrigin = rendererDevUrl ? new URL(rendererDevUrl).origin : undefined;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const modelsDir = app.isPackaged
  ? join(process.resourcesPath, 'models')
  : join(app.getAppPath(), 'resources', 'models');

/** CLOCKFACE_KIOSK=1 also withholds the developer tools, which cannot be taken away from a window later. */
const lockedDownKiosk = process.env['CLOCKFACE_KIOSK'] === '1';
/** Where the app keeps its database: the CLI's default, so `clockface` and the app share one. */
const dbPath = process.env['CLOCKFACE_DB'] ?? defaultDatabasePath();

/** Our own page: the dev server's origin in development, else exactly the bundled index.html. */
function isOwnOrigin(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (rendererDevOrigin) return parsed.origin === rendererDevOrigin;
  return parsed.protocol === 'file:' && fileURLToPath(parsed) === rendererFile;
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame !== null && isOwnOrigin(event.senderFrame.url);
}

/**
 * The dev server's policy, sent as a header. The <meta> policy in src/renderer/index.html (the
 * only one the packaged app's file:// page has) applies on top of it to everything after the meta.
 * Vite's React Fast Refresh preamble is an inline script placed before that meta, hence
 * 'unsafe-inline' here; connect-src adds the hot-reload websocket.
 */
function devServerContentSecurityPolicy(devOrigin: string): string {
  const server = new URL(devOrigin);
  const websocket = `${server.protocol === 'https:' ? 'wss' : 'ws'}://${server.host}`;
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${websocket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function secureSession(target: Session): void {
  if (rendererDevOrigin) {
    const policy = devServerContentSecurityPolicy(rendererDevOrigin);
    target.webRequest.onHeadersReceived((details, callback) => {
      if (new URL(details.url).origin !== rendererDevOrigin) return callback({});
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
    });
  }
  // The camera, for our own page only; nothing else (no microphone, notifications, geolocation…).
  target.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const cameraOnly = 'mediaTypes' in details && (details.mediaTypes ?? []).every((type) => type === 'video');
    callback(permission === 'media' && cameraOnly && isOwnOrigin(details.requestingUrl));
  });
  target.setPermissionCheckHandler(
    (_webContents, permission, _origin, details) =>
      permission === 'media' &&
      details.mediaType !== 'audio' &&
      details.requestingUrl !== undefined &&
      isOwnOrigin(details.requestingUrl),
  );
}

/** The app's one window, not yet loaded: IPC must be registered before the page can call. */
function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    kiosk: lockedDownKiosk,
    autoHideMenuBar: true,
    backgroundColor: '#0b1020',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      // Chromium's spellchecker would download dictionaries; the kiosk never goes online.
      spellcheck: false,
      // A passer-by at the kiosk gets neither developer tools nor their keyboard shortcuts.
      devTools: !lockedDownKiosk,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Nothing navigates away from the app or opens windows; outside the kiosk, https links open in
  // the browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnOrigin(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (!window.isKiosk() && url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  return window;
}

/** Full screen with no menu, and the display never sleeps while the kiosk shows. */
function enterKiosk(window: BrowserWindow): void {
  window.setKiosk(true);
  window.removeMenu();
  const blocker = powerSaveBlocker.start('prevent-display-sleep');
  window.once('closed', () => powerSaveBlocker.stop(blocker));
}

async function startApp(): Promise<void> {
  secureSession(session.defaultSession);
  const window = createWindow();
  const backend = await AppBackend.open({
    modelsDir,
    dbPath,
    version: app.getVersion(),
    dialogs: electronDialogs(window),
  });
  const stopPushes = registerIpc(backend, window, isTrustedSender);
  if (lockedDownKiosk || backend.settings.get().kioskFullScreen) enterKiosk(window);
  if (rendererDevUrl) await window.loadURL(rendererDevUrl);
  else await window.loadFile(rendererFile);
  await backend.attachLive(new LiveLoopSource(backend.engine));

  // The camera and the database are released before the process ends.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    stopPushes();
    void backend.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

// Every renderer runs in the OS sandbox, whatever its webPreferences say (must precede 'ready').
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app
    .whenReady()
    .then(startApp)
    .catch((error: unknown) => {
      // Missing models, a database from another version, a locked database…: say so and stop.
      dialog.showErrorBox('Clockface cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
  // One window for the app's whole life: closing it quits, on macOS too (a kiosk has no dock life).
  app.on('window-all-closed', () => app.quit());
}
