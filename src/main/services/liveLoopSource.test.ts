import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cv from '../engine/cv.js';
import { FaceEngine } from '../engine/faceEngine.js';
import type { LiveEvent } from '../engine/live/events.js';
import { writeBundledDemoClip } from '../engine/live/demoClip.js';
import type { FramePreview } from './appBackend.js';
import { LiveLoopSource } from './liveLoopSource.js';

const modelsDir = join(import.meta.dirname, '../../../resources/models');

describe('LiveLoopSource', () => {
  let scratch: string;
  let engine: FaceEngine;
  let clip: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'clockface-live-source-'));
    engine = await FaceEngine.open({ modelsDir, dbPath: join(scratch, 'clockface.db') });
    clip = (await writeBundledDemoClip(scratch)).path;
  });
  afterAll(async () => {
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Starts `source` and collects events until the status says it ended. */
  async function runToEnd(live: LiveLoopSource, source: string) {
    const events: { event: LiveEvent; preview: (() => Promise<FramePreview>) | null }[] = [];
    const ended = new Promise<void>((resolve) => {
      live.subscribe((event, preview) => {
        events.push({ event, preview });
        if (event.type === 'status' && event.state === 'ended') resolve();
      });
    });
    await live.start(source);
    await ended;
    return events;
  }

  it('runs the loop on a video file: frames with JPEG previews at most 640 wide, then "ended"', async () => {
    // Every frame, as fast as it decodes: the test need not wait for the clip's real time.
    const live = new LiveLoopSource(engine, { sourceOptions: { pacing: 'fast' }, config: { delivery: 'every' } });
    const previews: FramePreview[] = [];
    let frame: ReturnType<LiveLoopSource['currentFrame']> = null;
    live.subscribe((event, preview) => {
      if (event.type === 'frame' && preview && previews.length < 2) {
        frame ??= live.currentFrame();
        void preview().then((encoded) => previews.push(encoded));
      }
    });
    const events = await runToEnd(live, clip);
    await live.stop();
    const frames = events.filter(({ event }) => event.type === 'frame');
    expect(frames.length).toBeGreaterThan(10);
    expect(events.every(({ event, preview }) => (event.type === 'frame') === (preview !== null))).toBe(true);
    expect(previews.length).toBeGreaterThan(0);
    const decoded = cv.imdecode(Buffer.from(previews[0]?.jpeg ?? []));
    expect(decoded.cols).toBe(previews[0]?.width);
    expect(decoded.cols).toBeLessThanOrEqual(640);
    expect(frame).not.toBeNull();
    expect(live.status()?.state).toBe('ended');
  });

  it('turns a source it cannot open into an "ended" status with the reason, never a thrown error', async () => {
    const live = new LiveLoopSource(engine);
    const missing = join(scratch, 'missing.mp4');
    const missingEvents = await runToEnd(live, missing);
    const emptyEvents = await runToEnd(new LiveLoopSource(engine), '  ');
    expect(missingEvents.map(({ event }) => event)).toEqual([
      expect.objectContaining({
        type: 'status',
        state: 'ended',
        detail: expect.stringContaining('is not a camera index, an existing video file or a stream URL'),
      }),
    ]);
    expect(emptyEvents.at(-1)?.event).toEqual(
      expect.objectContaining({
        type: 'status',
        state: 'ended',
        detail: expect.stringContaining('no video source given'),
      }),
    );
    expect(live.currentFrame()).toBeNull();
  });

  it('lists the cameras this machine has (none on a server without video devices)', async () => {
    const cameras = await new LiveLoopSource(engine).listCameras();
    expect(Array.isArray(cameras)).toBe(true);
    for (const camera of cameras)
      expect(camera).toEqual({ id: expect.stringMatching(/^\d+$/), label: expect.any(String), kind: 'device' });
  });
});
