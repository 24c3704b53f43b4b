import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/ipc.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import cv from '../engine/cv.js';
import type { FrameEvent, LiveEvent, SourceStatusEvent } from '../engine/live/events.js';
import { AppBackend, FRAME_ACK_TIMEOUT_MS, type FramePreview, type LiveSource } from './appBackend.js';
import type { BgrFrame } from './enrolCapture.js';
import { bbtPhoto, modelsDir } from './serviceTestSupport.js';

/**
 * The backend behind the IPC contract, on the real engine and SQLite. The live camera is the one
 * part stood in for: ScriptedLiveSource plays the events a live loop reports, and hands out real
 * pixels (a bbt photo) as its current frame.
 */
class ScriptedLiveSource implements LiveSource {
  readonly started: string[] = [];
  frame: BgrFrame | null = null;
  private lastStatus: SourceStatusEvent | null = null;
  private readonly listeners = new Set<(event: LiveEvent, encode: (() => Promise<FramePreview>) | null) => void>();
  /** How many previews the backend asked to encode. */
  encoded = 0;

  async start(source: string): Promise<void> {
    this.started.push(source);
  }
  async stop(): Promise<void> {
    this.started.push('(stopped)');
  }
  status(): SourceStatusEvent | null {
    return this.lastStatus;
  }
  currentFrame(): BgrFrame | null {
    return this.frame;
  }
  async listCameras() {
    return [{ id: '0', label: 'Camera 0', kind: 'device' as const }];
  }
  subscribe(listener: (event: LiveEvent, encode: (() => Promise<FramePreview>) | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /**
   * Reports an event; a frame's preview is encoded (counted) only when the backend asks. A promise
   * as the preview is an encoding still under way when the next events come.
   */
  async play(event: LiveEvent, preview: FramePreview | Promise<FramePreview> | null = null): Promise<void> {
    if (event.type === 'status') this.lastStatus = event;
    const encode = preview
      ? async () => {
          this.encoded++;
          return preview;
        }
      : null;
    for (const listener of this.listeners) listener(event, encode);
    // Let an encoded frame reach the push channel.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A bbt photo framed in a grey border, as a camera would see a face with some room around it. */
function cameraFrame(path: string): BgrFrame {
  const photo = cv.imread(path);
  const framed = photo.copyMakeBorder(150, 150, 150, 150, cv.BORDER_CONSTANT, new cv.Vec3(128, 128, 128));
  return {
    kind: 'bgr',
    width: framed.cols,
    height: framed.rows,
    data: new Uint8Array(framed.getData()),
    name: 'frame',
  };
}

const frameEvent = (index: number, at: number): FrameEvent => ({
  type: 'frame',
  index,
  width: 640,
  height: 480,
  detected: true,
  faces: [
    {
      trackId: 7,
      box: { x: 100, y: 80, width: 200, height: 200 },
      landmarks: [{ x: 150, y: 150 }],
      decision: 'identified',
      personId: 1,
      name: 'amy',
      distance: 0.31,
      qualityOk: true,
    },
  ],
  timings: { detect: 20, embed: 10 },
  latencyMs: 45,
  at: new Date(at),
});

describe.skipIf(!hasSharedData)(
  `app backend (${hasSharedData ? 'real engine, bbt photos' : sharedDataSkipReason})`,
  () => {
    let dir = '';
    let backend: AppBackend | undefined;
    let pushes: PushEvent[] = [];
    const clock = { now: Date.parse('2025-06-10T09:00:00Z') };
    const savePath = () => join(dir, 'export.csv');

    async function open(): Promise<AppBackend> {
      backend = await AppBackend.open({
        modelsDir,
        dbPath: join(dir, 'clockface.db'),
        version: '9.9.9',
        now: () => clock.now,
        dialogs: {
          saveCsv: async (name) => (name === 'cancel.csv' ? null : savePath()),
          openImages: async () => [bbtPhoto('amy', 1), bbtPhoto('amy', 2)],
          openFolder: async () => null,
        },
      });
      pushes = [];
      backend.onPush((event) => pushes.push(event));
      return backend;
    }

    async function unlocked(): Promise<AppBackend> {
      const opened = await open();
      expect(await opened.invoke('admin:set-pin', { pin: '2468' })).toMatchObject({ ok: true });
      return opened;
    }

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'clockface-backend-'));
    });
    afterEach(async () => {
      await backend?.close();
      backend = undefined;
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers the kiosk’s open channels and refuses admin channels until the PIN is entered', async () => {
      const app = await open();
      expect(await app.invoke('app:get-info', undefined)).toMatchObject({ version: '9.9.9', models: { ok: true } });
      expect(await app.invoke('admin:get-state', undefined)).toEqual({
        pinSet: false,
        unlocked: false,
        lockedUntil: null,
        failedAttempts: 0,
      });
      expect((await app.invoke('settings:get', undefined)).values.matchThreshold).toBe(0.6);
      expect(await app.invoke('live:get-status', undefined)).toEqual({
        state: 'stopped',
        source: '0',
        detail: 'no camera is connected to the app',
        at: clock.now,
      });
      await expect(app.invoke('people:list', undefined)).rejects.toThrow('the admin screens are locked: enter the PIN');
      await expect(app.invoke('settings:set', { cooldownMinutes: 1 })).rejects.toThrow('the admin screens are locked');
      await expect(app.invoke('dialog:save-csv', { defaultName: 'a.csv' })).rejects.toThrow(
        'the admin screens are locked',
      );
      expect(await app.invoke('admin:set-pin', { pin: '2468' })).toMatchObject({ ok: true, state: { unlocked: true } });
      expect(await app.invoke('people:list', undefined)).toEqual([]);
      await app.invoke('admin:lock', undefined);
      await expect(app.invoke('people:list', undefined)).rejects.toThrow('the admin screens are locked');
      expect(await app.invoke('admin:unlock', { pin: '1111' })).toMatchObject({ ok: false, reason: 'wrong-pin' });
      expect(await app.invoke('admin:unlock', { pin: '2468' })).toMatchObject({ ok: true });
    });

    it('validates every payload with the contract’s schema before anything runs', async () => {
      const app = await unlocked();
      await expect(app.invoke('people:rename', { personId: 'x', name: 'Ada' })).rejects.toThrow(
        'people:rename: invalid request: personId: Invalid input: expected number, received string',
      );
      await expect(app.invoke('settings:set', { cooldownMinutes: 1, extra: true })).rejects.toThrow(
        'settings:set: invalid request: Unrecognized key: "extra"',
      );
      await expect(app.invoke('people:remove', { personId: 99 })).rejects.toThrow('no person with id 99');
      expect((await app.invoke('settings:get', undefined)).values.cooldownMinutes).toBe(5);
    });

    it('enrols photos chosen in the dialog, pushing progress, and lists the person with a thumbnail', async () => {
      const app = await unlocked();
      const { paths } = await app.invoke('dialog:open-images', undefined);
      const enrolled = await app.invoke('people:enrol-files', { name: 'Amy', paths, operationId: 'op-1' });
      expect(enrolled.results.map((r) => r.ok)).toEqual([true, true]);
      expect(enrolled.person).toMatchObject({ name: 'Amy', templateCount: 2 });
      expect(
        pushes.map((p) =>
          p.channel === 'progress' ? [p.payload.operationId, p.payload.done, p.payload.total] : p.channel,
        ),
      ).toEqual([
        ['op-1', 1, 2],
        ['op-1', 2, 2],
      ]);
      const [amy] = await app.invoke('people:list', undefined);
      expect(amy?.thumbnail?.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
    });

    it('applies a calibrated threshold at once, to 3 decimals, and says which settings wait for a restart', async () => {
      const app = await unlocked();
      // A threshold as calibration reports it: a pair's distance, to the last bit.
      const applied = await app.invoke('calibration:apply', { threshold: 0.5508663731031314 });
      expect(applied.values.matchThreshold).toBe(0.551);
      expect(app.engine.config.matchThreshold).toBe(0.551);
      expect(app.settings.get().matchThreshold).toBe(0.551);
      expect(applied.restartRequired).toEqual([]);
      const changed = await app.invoke('settings:set', { detector: 'tiny', kioskFullScreen: true, cooldownMinutes: 2 });
      expect(changed.restartRequired).toEqual(['detector', 'kioskFullScreen']);
      expect(changed.defaults.detector).toBe('ssd');
      await expect(app.invoke('calibration:compute', undefined)).rejects.toThrow(
        'calibration needs at least 2 enrolled people (impostor pairs), the gallery has 0',
      );
      await expect(app.invoke('embedding-map:compute', undefined)).rejects.toThrow(
        'the embedding map needs at least 3 templates, the gallery has 0: enrol more photos',
      );
    });

    it('exports attendance to the path the save dialog chose', async () => {
      const app = await unlocked();
      expect(await app.invoke('dialog:save-csv', { defaultName: 'cancel.csv' })).toEqual({ path: null });
      const { path } = await app.invoke('dialog:save-csv', { defaultName: 'june.csv' });
      const written = await app.invoke('attendance:export', { from: '2025-06-01', to: '2025-06-30', path: path ?? '' });
      expect(written).toEqual({ path: savePath(), rows: 0, bytes: 49 });
      expect(readFileSync(savePath(), 'utf8')).toBe('Date,Name,Employee code,First in,Last out,Total\r\n');
    });

    it('forwards live events to the push channels, sending a frame only once the previous one was shown', async () => {
      const app = await unlocked();
      const live = new ScriptedLiveSource();
      await app.attachLive(live);
      expect(live.started).toEqual(['0']);
      const preview = {
        jpeg: cv.imencode('.jpg', new cv.Mat(240, 320, cv.CV_8UC3, [0, 0, 0])),
        width: 320,
        height: 240,
      };
      await live.play(frameEvent(1, clock.now), preview);
      await live.play(frameEvent(2, clock.now + 33), preview); // dropped: frame 1 not shown yet
      await app.invoke('live:frame-shown', { sequence: 1 });
      await live.play(frameEvent(3, clock.now + 66), preview);
      clock.now += FRAME_ACK_TIMEOUT_MS; // no acknowledgement for a second: send anyway
      await live.play(frameEvent(4, clock.now), preview);
      // The dropped frame was never encoded.
      expect(live.encoded).toBe(3);
      const frames = pushes.flatMap((p) => (p.channel === 'live:frame' ? [p.payload] : []));
      expect(frames.map((f) => [f.sequence, f.capturedAt - Date.parse('2025-06-10T09:00:00Z')])).toEqual([
        [1, 0],
        [2, 66],
        [3, FRAME_ACK_TIMEOUT_MS],
      ]);
      // Boxes and landmarks are scaled from the 640x480 frame to the 320x240 preview.
      expect(frames[0]).toMatchObject({
        width: 320,
        height: 240,
        faces: [
          {
            box: { x: 50, y: 40, width: 100, height: 100 },
            trackId: 7,
            personId: 1,
            name: 'amy',
            distance: 0.31,
            landmarks: [{ x: 75, y: 75 }],
          },
        ],
        timingsMs: { detect: 20, embed: 10 },
      });
      expect(frames[0]?.jpeg.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);

      const at = new Date(clock.now);
      await live.play({ type: 'identified', trackId: 7, person: { id: 1, name: 'amy' }, distance: 0.3, votes: 5, at });
      await live.play({ type: 'unknown', trackId: 7, votes: 5, at });
      await live.play({ type: 'status', state: 'lost', source: 'Camera 0', detail: 'no frames for 2 s', at });
      await live.play({ type: 'unknown', trackId: 8, votes: 5, at });
      await live.play({
        type: 'metrics',
        intervalMs: 1000,
        fps: 12.5,
        framesProcessed: 100,
        framesDropped: 3,
        corruptFrames: 0,
        latencyMs: { median: 40, p95: 80 },
        eventLoopDelayP99Ms: 12,
        rssMb: 300,
        at,
      });
      const rest = pushes.filter((p) => p.channel !== 'live:frame');
      expect(rest).toEqual([
        { channel: 'live:identified', payload: { trackId: 7, personId: 1, name: 'amy', distance: 0.3, at: clock.now } },
        // In preview pixels, as the frames' boxes.
        {
          channel: 'live:unknown',
          payload: { trackId: 7, box: { x: 50, y: 40, width: 100, height: 100 }, at: clock.now },
        },
        {
          channel: 'live:status',
          payload: { state: 'lost', source: 'Camera 0', detail: 'no frames for 2 s', at: clock.now },
        },
        { channel: 'live:unknown', payload: { trackId: 8, box: null, at: clock.now } },
        {
          channel: 'live:metrics',
          payload: {
            at: clock.now,
            captureFps: 3,
            processedFps: 12.5,
            droppedFrames: 3,
            timingsMs: { detect: 20, embed: 10 },
            latencyMs: { median: 40, p95: 80 },
            eventLoopDelayP99Ms: 12,
            rssMb: 300,
          },
        },
      ]);
      expect(await app.invoke('live:get-status', undefined)).toMatchObject({
        state: 'lost',
        detail: 'no frames for 2 s',
      });
      await app.invoke('cameras:select', { id: '0' });
      await expect(app.invoke('cameras:select', { id: '/no/such/camera.mp4' })).rejects.toThrow(
        'cameraSource cannot be used: /no/such/camera.mp4: is not a camera index',
      );
      expect(live.started).toEqual(['0']);
    });

    it('sends no frame of a source that has ended, not even one whose preview was still being encoded', async () => {
      const app = await unlocked();
      const live = new ScriptedLiveSource();
      await app.attachLive(live);
      const preview = {
        jpeg: cv.imencode('.jpg', new cv.Mat(240, 320, cv.CV_8UC3, [0, 0, 0])),
        width: 320,
        height: 240,
      };
      const at = (ms: number) => new Date(clock.now + ms);
      await live.play({ type: 'status', state: 'ok', source: 'clip.mp4', at: at(0) });
      // The clip's last frame: its JPEG is still being encoded when the file ends.
      let finishEncoding: (encoded: FramePreview) => void = () => undefined;
      await live.play(
        frameEvent(586, clock.now + 10),
        new Promise<FramePreview>((resolve) => (finishEncoding = resolve)),
      );
      await live.play({ type: 'status', state: 'ended', source: 'clip.mp4', detail: 'end of file', at: at(20) });
      finishEncoding(preview);
      await new Promise((resolve) => setImmediate(resolve));
      // A frame the loop finished after the end is not even encoded.
      await live.play(frameEvent(587, clock.now + 30), preview);
      expect(live.encoded).toBe(1);
      expect(pushes.map((push) => push.channel)).toEqual(['live:status', 'live:status']);

      // The next source: its first frame goes out at once, not waiting for the dropped one's acknowledgement.
      await live.play({ type: 'status', state: 'ok', source: 'clip-b.mp4', at: at(40) });
      await live.play(frameEvent(0, clock.now + 50), preview);
      const frames = pushes.flatMap((push) => (push.channel === 'live:frame' ? [push.payload] : []));
      expect(frames.map((frame) => [frame.sequence, frame.capturedAt - clock.now])).toEqual([[2, 50]]);

      // Detached (or switched to another camera) mid-encoding: that preview is dropped too.
      await app.invoke('live:frame-shown', { sequence: 2 });
      await live.play(
        frameEvent(1, clock.now + 60),
        new Promise<FramePreview>((resolve) => (finishEncoding = resolve)),
      );
      await app.detachLive();
      finishEncoding(preview);
      await new Promise((resolve) => setImmediate(resolve));
      expect(live.encoded).toBe(3);
      expect(pushes.filter((push) => push.channel === 'live:frame')).toHaveLength(1);
    });

    it('enrols from the live camera: checks each shot at once, stores only on save', async () => {
      const app = await unlocked();
      const live = new ScriptedLiveSource();
      await app.attachLive(live);
      const { sessionId, prompts, personExists } = await app.invoke('enrol-capture:start', { name: 'Howard' });
      expect(prompts).toEqual(['straight', 'left', 'right', 'up', 'down']);
      expect(personExists).toBe(false);
      expect(await app.invoke('enrol-capture:shot', { sessionId, prompt: 'straight' })).toEqual({
        accepted: false,
        prompt: 'straight',
        reason: 'no-frame',
        reasons: ['the camera has not delivered a picture yet'],
      });
      live.frame = cameraFrame(sharedPath('bbt', 'group', 'bbt1.jpg'));
      expect(await app.invoke('enrol-capture:shot', { sessionId, prompt: 'straight' })).toMatchObject({
        accepted: false,
        reason: 'several-faces',
      });
      live.frame = cameraFrame(bbtPhoto('howard', 1));
      const shot = await app.invoke('enrol-capture:shot', { sessionId, prompt: 'straight' });
      expect(shot).toMatchObject({ accepted: true, prompt: 'straight', shotsAccepted: 1 });
      live.frame = cameraFrame(bbtPhoto('howard', 2));
      expect(await app.invoke('enrol-capture:shot', { sessionId, prompt: 'left' })).toMatchObject({ shotsAccepted: 2 });
      expect(app.engine.store.templates.count()).toBe(0);
      const saved = await app.invoke('enrol-capture:finish', { sessionId, save: true });
      expect(saved).toMatchObject({ templatesAdded: 2, person: { name: 'Howard', templateCount: 2 } });
      expect(saved.person?.thumbnail?.startsWith('data:image/jpeg;base64,')).toBe(true);
      await expect(app.invoke('enrol-capture:shot', { sessionId, prompt: 'up' })).rejects.toThrow(
        'this enrolment session is over (another was started, or it was finished): start again',
      );
      // Howard is recognised from a photo he was not enrolled with.
      expect((await app.engine.identifyFile(bbtPhoto('howard', 3)))[0]?.person?.name).toBe('Howard');
      // A cancelled session stores nothing; someone else's face is refused as a duplicate.
      const other = await app.invoke('enrol-capture:start', { name: 'Not Howard' });
      live.frame = cameraFrame(bbtPhoto('howard', 4));
      expect(await app.invoke('enrol-capture:shot', { sessionId: other.sessionId, prompt: 'straight' })).toMatchObject({
        accepted: false,
        reason: 'duplicate-of-another-person',
      });
      expect(await app.invoke('enrol-capture:finish', { sessionId: other.sessionId, save: false })).toEqual({
        person: null,
        templatesAdded: 0,
      });
      expect(app.engine.store.templates.count()).toBe(2);
    });
  },
);
