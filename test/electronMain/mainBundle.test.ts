import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../src/shared/ipc.js';
import { openStore } from '../../src/main/engine/store/index.js';
import { CAMERA_SOURCE } from '../../src/main/services/settings.js';

/**
 * The bundled main process (out/main/index.js, as Electron would load it) run under plain Node with
 * a stub of Electron's API (electronStub.mjs): the bundle's native modules, its inference worker
 * (out/main/inferenceWorker.js), the IPC registration and the live loop all run for real; only
 * Electron's own window and IPC transport are stand-ins.
 */

const repoRoot = resolve(import.meta.dirname, '../..');
const mainBundle = join(repoRoot, 'out', 'main', 'index.js');
const skipReason = `the main bundle ${mainBundle} is not built (npm test builds it; or run npx electron-vite build)`;

type SmokeEntry = { type: string } & Record<string, unknown>;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout }));
  });
}

describe.skipIf(!existsSync(mainBundle))(`the bundled main process on a stub of Electron (${skipReason})`, () => {
  let scratch: string;
  let entries: SmokeEntry[];
  let exitCode: number | null;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'clockface-main-bundle-'));
    // The demo makes a clip and a database with its person enrolled (and checked in).
    const demo = await run(process.execPath, ['bin/clockface.js', 'demo', '--dir', scratch], {});
    expect(demo.code).toBe(0);
    const [folder] = readdirSync(scratch).filter((name) => name.startsWith('clockface-demo-'));
    const demoDir = join(scratch, folder as string);
    const clip = readdirSync(demoDir).find((name) => /^demo\.(mp4|avi)$/.test(name)) as string;
    const dbPath = join(demoDir, 'clockface.db');
    const store = openStore(dbPath, { actor: 'test' });
    store.settings.set(CAMERA_SOURCE, join(demoDir, clip));
    store.close();

    const stub = join(import.meta.dirname, 'registerElectronStub.mjs');
    const app = await run(process.execPath, ['--import', stub, mainBundle], { CLOCKFACE_DB: dbPath });
    exitCode = app.code;
    entries = app.stdout
      .split('\n')
      .filter((line) => line.startsWith('smoke '))
      .map((line) => JSON.parse(line.slice('smoke '.length)) as SmokeEntry);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const ofType = (type: string) => entries.filter((entry) => entry.type === type);
  const sends = (channel: string) =>
    ofType('send')
      .filter((entry) => entry.channel === channel)
      .map((entry) => entry.payload as Record<string, unknown>);
  const invoked = (channel: string) => ofType('invoke').find((entry) => entry.channel === channel)?.result;

  it('opens a sandboxed, isolated window and registers every channel of the contract once', () => {
    expect(ofType('error-box')).toEqual([]);
    expect(ofType('window')[0]?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(ofType('channels')[0]?.channels).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('answers our page, validates payloads, keeps admin channels locked and refuses other frames', () => {
    expect(invoked('app:get-info')).toMatchObject({
      ok: true,
      value: { version: '0.0.0-smoke', models: { ok: true } },
    });
    expect(invoked('admin:get-state')).toMatchObject({ ok: true, value: { pinSet: false, unlocked: false } });
    expect(invoked('people:list')).toMatchObject({ ok: false, error: expect.stringContaining('locked') });
    expect(invoked('settings:set')).toMatchObject({ ok: false, error: expect.stringContaining('invalid request') });
    expect(ofType('untrusted')[0]?.result).toMatchObject({
      ok: false,
      error: expect.stringContaining('untrusted frame'),
    });
  });

  it('runs the live loop through the bundled inference worker: JPEG previews, a recognition, the file end; then quits cleanly', () => {
    const frames = sends('live:frame');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((frame) => frame.jpegPrefix === 'data:image/jpeg;base64,')).toBe(true);
    expect(frames.some((frame) => (frame.faces as number) === 1)).toBe(true);
    // The demo checked her in minutes ago: inside the cooldown the kiosk says "already".
    expect(sends('live:attendance')[0]).toMatchObject({ name: 'Demo Visitor', kind: 'in', already: true });
    expect(sends('live:status').map((status) => status.state)).toEqual(['ok', 'ended']);
    expect(ofType('quit')).toHaveLength(1);
    expect(exitCode).toBe(0);
  });
});
