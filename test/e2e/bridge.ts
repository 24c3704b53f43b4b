import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  API_KEY,
  INVOKE_CHANNELS,
  PUSH_CHANNELS,
  type ClockfaceApi,
  type InvokeChannel,
  type PushChannel,
  type PushEvent,
} from '../../src/shared/ipc.js';
import type { AppBackend, Dialogs } from '../../src/main/services/appBackend.js';

/**
 * The e2e test bridge: the built renderer served over HTTP, and the IPC contract spoken over a
 * WebSocket to a real AppBackend (real engine, live loop and SQLite), so a browser page gets the
 * same `window.clockface` the preload gives the Electron window. Only Electron's own IPC transport
 * is left out. Requests are validated with the contract's zod schemas (AppBackend.invoke), exactly
 * as ipcMain's handlers validate them.
 *
 * Wire format, JSON text frames:
 *   page → bridge  { type: 'invoke', id, channel, request }
 *   bridge → page  { type: 'result', id, ok: true, response } | { type: 'result', id, ok: false, error }
 *   bridge → page  { type: 'push', channel, payload }
 */

export const BRIDGE_SOCKET_PATH = '/clockface-bridge';
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_RENDERER_DIR = join(repoRoot, 'out', 'renderer');

export type BridgeRequest = {
  readonly type: 'invoke';
  readonly id: number;
  readonly channel: string;
  readonly request?: unknown;
};
export type BridgeMessage =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly response: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'push'; readonly channel: PushChannel; readonly payload: unknown };

/** What the native dialogs answer in a test; change the fields between steps. */
export interface DialogAnswers {
  /** The save dialog's answer; undefined: a fresh temp file with the proposed name. */
  saveCsv: string | null | undefined;
  openImages: string[];
  openFolder: string | null;
}

/** Dialogs for AppBackend.open that answer from `answers` (the test changes them as it goes). */
export function scriptedDialogs(answers: DialogAnswers = { saveCsv: undefined, openImages: [], openFolder: null }): {
  readonly dialogs: Dialogs;
  readonly answers: DialogAnswers;
} {
  return {
    answers,
    dialogs: {
      saveCsv: async (defaultName) => {
        if (answers.saveCsv !== undefined) return answers.saveCsv;
        const folder = join(tmpdir(), `clockface-e2e-export-${randomUUID()}`);
        mkdirSync(folder, { recursive: true });
        return join(folder, defaultName.replace(/[\\/]/g, '_'));
      },
      openImages: async () => [...answers.openImages],
      openFolder: async () => answers.openFolder,
    },
  };
}

export interface TestBridge {
  /** The page to open: the renderer's index.html. */
  readonly url: string;
  /** The WebSocket the page's `window.clockface` talks to. */
  readonly socketUrl: string;
  /**
   * For page.addInitScript({ content }): defines `window.clockface` before the app's scripts run,
   * in the bridge's own pages only (an init script also runs in a new page's about:blank).
   */
  readonly clientScript: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const invokable = new Set<string>(INVOKE_CHANNELS);

/** Starts the bridge on 127.0.0.1 (a free port unless given) in front of `backend`. */
export async function startBridge(options: {
  readonly backend: AppBackend;
  readonly rendererDir?: string;
  readonly port?: number;
}): Promise<TestBridge> {
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  const server = createServer((request, response) => serveStatic(rendererDir, request, response));
  const sockets = new WebSocketServer({ noServer: true });
  let origin = '';

  server.on('upgrade', (request, socket, head) => {
    const pageOrigin = request.headers.origin;
    // Only our own page (or a client without an Origin, such as a Node test) may drive the backend.
    if (request.url !== BRIDGE_SOCKET_PATH || (pageOrigin !== undefined && pageOrigin !== origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client));
  });

  sockets.on('connection', (client: WebSocket) => {
    client.on('message', (data) => void answer(options.backend, client, String(data)));
  });
  const stopPushes = options.backend.onPush((event: PushEvent) => {
    const text = JSON.stringify({
      type: 'push',
      channel: event.channel,
      payload: event.payload,
    } satisfies BridgeMessage);
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolveListen) => server.listen(options.port ?? 0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  const socketUrl = `ws://127.0.0.1:${port}${BRIDGE_SOCKET_PATH}`;
  return {
    url: `${origin}/`,
    socketUrl,
    clientScript: bridgeClientScript(origin, socketUrl),
    close: async () => {
      stopPushes();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolveClose) => sockets.close(() => resolveClose()));
      await new Promise<void>((resolveClose, reject) =>
        server.close((error) => (error ? reject(error) : resolveClose())),
      );
    },
  };
}

async function answer(backend: AppBackend, client: WebSocket, text: string): Promise<void> {
  let id = -1;
  let reply: BridgeMessage;
  try {
    const message = JSON.parse(text) as Partial<BridgeRequest>;
    if (message?.type !== 'invoke' || typeof message.id !== 'number' || typeof message.channel !== 'string') {
      throw new Error('the bridge expects { type: "invoke", id, channel, request }');
    }
    id = message.id;
    if (!invokable.has(message.channel)) throw new Error(`unknown channel "${message.channel}"`);
    const response = await backend.invoke(message.channel as InvokeChannel, message.request);
    reply = { type: 'result', id, ok: true, response };
  } catch (error) {
    reply = { type: 'result', id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (client.readyState === client.OPEN) client.send(JSON.stringify(reply));
}

function serveStatic(root: string, request: IncomingMessage, response: ServerResponse): void {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://bridge').pathname);
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403).end('outside the renderer folder');
    return;
  }
  let body: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    body = readFileSync(file);
  } catch {
    response
      .writeHead(404, { 'content-type': 'text/plain' })
      .end(`${path}: not found in ${root} (run the renderer build first)`);
    return;
  }
  response
    .writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    })
    .end(body);
}

/** The parts of the browser's WebSocket the client uses (Node's `ws` has the same). */
interface BrowserSocket {
  send(data: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}
type BrowserSocketConstructor = new (url: string) => BrowserSocket;

/**
 * Runs in the page (serialised with toString, so it uses nothing from outside itself): defines
 * `globalThis[apiKey]` as a ClockfaceApi over the bridge's WebSocket. Calls made before the socket
 * opens wait for it. Any page not served by the bridge (about:blank, whose origin is "null") is
 * left alone: the bridge would refuse its socket, and the browser would log that as an error.
 */
export function installBridgeClient(
  pageOrigin: string,
  url: string,
  apiKey: string,
  pushChannels: readonly string[],
): void {
  const page = globalThis as unknown as { WebSocket: BrowserSocketConstructor; location?: { origin: string } };
  if (page.location?.origin !== pageOrigin) return;
  const SocketClass = page.WebSocket;
  const socket = new SocketClass(url);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;
  const opened = new Promise<void>((resolveOpen, rejectOpen) => {
    socket.addEventListener('open', () => resolveOpen());
    socket.addEventListener('error', () => rejectOpen(new Error(`the test bridge at ${url} is not reachable`)));
  });
  // A page that never calls must not report the failed connection as unhandled.
  opened.catch(() => undefined);
  socket.addEventListener('close', () => {
    closed = true;
    for (const call of pending.values()) call.reject(new Error('the test bridge closed the connection'));
    pending.clear();
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as
      | { type: 'result'; id: number; ok: true; response: unknown }
      | { type: 'result'; id: number; ok: false; error: string }
      | { type: 'push'; channel: string; payload: unknown };
    if (message.type === 'push') {
      for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
      return;
    }
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (!call) return;
    if (message.ok) call.resolve(message.response);
    else call.reject(new Error(message.error));
  });
  const api: ClockfaceApi = {
    invoke: async (channel, request) => {
      await opened;
      if (closed) throw new Error('the test bridge closed the connection');
      const id = nextId++;
      return new Promise((resolveCall, rejectCall) => {
        pending.set(id, { resolve: resolveCall as (value: unknown) => void, reject: rejectCall });
        socket.send(JSON.stringify({ type: 'invoke', id, channel, request }));
      });
    },
    on: (channel, listener) => {
      if (!pushChannels.includes(channel)) throw new Error(`unknown push channel ${String(channel)}`);
      const set = listeners.get(channel) ?? new Set();
      const forward = listener as (payload: unknown) => void;
      set.add(forward);
      listeners.set(channel, set);
      return () => {
        set.delete(forward);
      };
    },
  };
  Object.defineProperty(globalThis, apiKey, { value: Object.freeze(api), enumerable: true });
}

/** The client as a script for page.addInitScript({ content }), bound to one bridge and its pages' origin. */
export function bridgeClientScript(pageOrigin: string, socketUrl: string): string {
  const args = [pageOrigin, socketUrl, API_KEY, PUSH_CHANNELS].map((value) => JSON.stringify(value)).join(', ');
  return `(${installBridgeClient.toString()})(${args});`;
}
