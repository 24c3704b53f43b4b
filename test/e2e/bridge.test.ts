import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClockfaceApi, PushEvent } from '../../src/shared/ipc.js';
import { modelsDir } from '../../src/main/cli/cliTestSupport.js';
import cv from '../../src/main/engine/cv.js';
import { AppBackend } from '../../src/main/services/appBackend.js';
import { scriptedDialogs, startBridge, type BridgeMessage, type TestBridge } from './bridge.js';

/** The e2e bridge from Node: a real WebSocket client, the real backend, engine and SQLite behind it. */
describe('e2e test bridge', () => {
  let dir = '';
  let backend: AppBackend;
  let bridge: TestBridge;
  const { dialogs, answers } = scriptedDialogs();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-bridge-'));
    const renderer = join(dir, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Clockface</title>');
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app")');
    writeFileSync(join(dir, 'secret.txt'), 'not for the page');
    backend = await AppBackend.open({ modelsDir, dbPath: join(dir, 'clockface.db'), version: '1.2.3', dialogs });
    bridge = await startBridge({ backend, rendererDir: renderer });
  });
  afterAll(async () => {
    await bridge?.close();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A Node WebSocket client speaking the wire format directly. */
  async function connect(origin?: string) {
    const socket = new WebSocket(bridge.socketUrl, origin ? { origin } : {});
    const messages: BridgeMessage[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as BridgeMessage);
      for (const wake of waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    let nextId = 1;
    const until = async (found: () => boolean) => {
      while (!found()) await new Promise<void>((wake) => waiters.push(wake));
    };
    return {
      socket,
      messages,
      until,
      send: (raw: string) => socket.send(raw),
      invoke: async (channel: string, request?: unknown) => {
        const id = nextId++;
        socket.send(JSON.stringify({ type: 'invoke', id, channel, request }));
        await until(() => messages.some((m) => m.type === 'result' && m.id === id));
        return messages.find((m) => m.type === 'result' && m.id === id);
      },
    };
  }

  it('serves the built renderer and nothing outside it', async () => {
    const page = await fetch(bridge.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<!doctype html><title>Clockface</title>');
    expect((await fetch(`${bridge.url}assets/app.js`)).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await fetch(`${bridge.url}missing.js`)).status).toBe(404);
    expect((await fetch(`${bridge.url}..%2Fsecret.txt`)).status).toBe(403);
  });

  it('answers invoke calls with the backend’s responses', async () => {
    const client = await connect();
    expect(await client.invoke('app:get-info')).toMatchObject({ ok: true, response: { version: '1.2.3' } });
    expect(await client.invoke('admin:get-state')).toEqual({
      type: 'result',
      id: 2,
      ok: true,
      response: { pinSet: false, unlocked: false, lockedUntil: null, failedAttempts: 0 },
    });
    expect(await client.invoke('people:list')).toEqual({
      type: 'result',
      id: 3,
      ok: false,
      error: 'the admin screens are locked: enter the PIN',
    });
    client.socket.close();
  });

  it('returns the zod message for a bad payload, and refuses unknown channels and garbage', async () => {
    const client = await connect();
    expect(await client.invoke('admin:set-pin', { pin: '12' })).toMatchObject({
      ok: false,
      error: 'admin:set-pin: invalid request: pin: a PIN is 4 to 12 digits',
    });
    expect(await client.invoke('admin:set-pin', { pin: '1234', admin: true })).toMatchObject({
      ok: false,
      error: 'admin:set-pin: invalid request: Unrecognized key: "admin"',
    });
    expect(await client.invoke('fs:read', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: 'unknown channel "fs:read"',
    });
    client.send('not json');
    await client.until(() => client.messages.some((m) => m.type === 'result' && m.id === -1));
    expect(client.messages.at(-1)).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect((await backend.invoke('admin:get-state', undefined)).pinSet).toBe(false);
    client.socket.close();
  });

  it('pushes progress events to every connected page', async () => {
    const client = await connect();
    expect(await client.invoke('admin:set-pin', { pin: '2468' })).toMatchObject({ ok: true });
    const blank = join(dir, 'blank.png');
    cv.imwrite(blank, new cv.Mat(120, 120, cv.CV_8UC3, [128, 128, 128]));
    answers.openImages = [blank];
    const chosen = await client.invoke('dialog:open-images');
    expect(chosen).toMatchObject({ ok: true, response: { paths: [blank] } });
    const result = await client.invoke('people:enrol-files', { name: 'Nobody', paths: [blank], operationId: 'op-7' });
    expect(result).toMatchObject({
      ok: true,
      response: { person: null, results: [{ file: blank, ok: false, reason: 'no-face' }] },
    });
    const pushes = client.messages.filter((m) => m.type === 'push');
    expect(pushes).toEqual([
      {
        type: 'push',
        channel: 'progress',
        payload: {
          operationId: 'op-7',
          done: 1,
          total: 1,
          file: blank,
          result: { file: blank, ok: false, reason: 'no-face', message: `${blank}: no face found`, person: 'Nobody' },
        },
      },
    ]);
    client.socket.close();
  });

  it('refuses a WebSocket opened by another site’s page', async () => {
    await expect(connect('http://evil.example')).rejects.toThrow('Unexpected server response: 403');
  });

  it("leaves a page of another origin (a new tab's about:blank) without the API and opens no socket", () => {
    let sockets = 0;
    const page = createContext({
      // Counts the sockets the script would open.
      WebSocket: function countingSocket() {
        sockets++;
      },
      location: { origin: 'null' },
    });
    runInContext(bridge.clientScript, page);
    expect('clockface' in page).toBe(false);
    expect(sockets).toBe(0);
  });

  it('gives a page the same window.clockface API through the injected client script', async () => {
    // The page's realm, with ws's browser-compatible WebSocket as its WebSocket.
    const page = createContext({ WebSocket, location: { origin: new URL(bridge.url).origin } });
    runInContext(bridge.clientScript, page);
    const api = (page as { clockface: ClockfaceApi }).clockface;
    expect(Object.isFrozen(api)).toBe(true);
    const progress: PushEvent['payload'][] = [];
    const stop = api.on('progress', (payload) => progress.push(payload));
    expect(await api.invoke('admin:get-state', undefined)).toMatchObject({ pinSet: true });
    expect(await api.invoke('settings:get', undefined)).toMatchObject({ values: { dayBoundary: '04:00' } });
    await expect(api.invoke('admin:unlock', { pin: 42 } as unknown as { pin: string })).rejects.toThrow(
      'admin:unlock: invalid request: pin: Invalid input: expected string, received number',
    );
    expect(await api.invoke('admin:unlock', { pin: '2468' })).toMatchObject({ ok: true });
    const { path } = await api.invoke('dialog:save-csv', { defaultName: 'june.csv' });
    expect(path).toMatch(/clockface-e2e-export-.+\/june\.csv$/);
    const blank = join(dir, 'blank.png');
    await api.invoke('people:enrol-files', { name: 'Nobody', paths: [blank], operationId: 'op-8' });
    expect(progress).toMatchObject([{ operationId: 'op-8', done: 1, total: 1 }]);
    stop();
    await api.invoke('people:enrol-files', { name: 'Nobody', paths: [blank], operationId: 'op-9' });
    expect(progress).toHaveLength(1);
    expect(() => api.on('fs:watch' as 'progress', () => undefined)).toThrow('unknown push channel fs:watch');
  });
});
