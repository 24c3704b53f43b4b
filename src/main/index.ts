import { join } from 'node:path';
import { app, BrowserWindow, session, shell, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { describeApp } from './appInfo.js';
import { handle } from './ipc/handle.js';

/** Electron glue only: windows, security and IPC wiring. The engine lives in ./engine. */

const rendererDevUrl = process.env['ELECTRON_RENDERER_URL'];
const rendererFile = join(import.meta.dirname, '../renderer/index.html');
const modelsDir = app.isPackaged
  ? join(process.resourcesPath, 'models')
  : join(app.getAppPath(), 'resources', 'models');

function isOwnOrigin(url: string): boolean {
  if (rendererDevUrl) return url.startsWith(rendererDevUrl);
  return url.startsWith('file://') && decodeURIComponent(new URL(url).pathname) === rendererFile.replace(/\\/g, '/');
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame !== null && isOwnOrigin(event.senderFrame.url);
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    backgroundColor: '#0b1020',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Nothing navigates away from the app or opens windows; external links go to the browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnOrigin(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (rendererDevUrl) void window.loadURL(rendererDevUrl);
  else void window.loadFile(rendererFile);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_webContents, permission, callback) =>
      callback(permission === 'media'),
    );
    handle('app:get-info', z.undefined(), isTrustedSender, () => describeApp(app.getVersion(), modelsDir));
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
