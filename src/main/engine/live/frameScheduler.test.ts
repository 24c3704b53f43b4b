import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import cv from '../cv.js';
import { FrameScheduler } from './frameScheduler.js';
import type { SourceStatusEvent } from './events.js';
import { parseSource, VideoSource, type CapturedFrame } from './videoSource.js';

const cascade = new cv.CascadeClassifier(
  join(import.meta.dirname, '../../../../resources/models/haarcascade_frontalface_default.xml'),
);

/** A real, slow consumer: OpenCV's face cascade on the frame (tens of ms against ~1 ms per read). */
async function countFaces(frame: CapturedFrame): Promise<number> {
  const grey = await frame.bgr.cvtColorAsync(cv.COLOR_BGR2GRAY);
  const { objects } = await cascade.detectMultiScaleAsync(grey, 1.1, 5, 0, new cv.Size(60, 60));
  return objects.length;
}

describe.skipIf(!hasSharedData)(`FrameScheduler on the shared clips (${sharedDataSkipReason})`, () => {
  const clipA = sharedPath('video', 'talking-head-a.mp4');
  const clipB = sharedPath('video', 'talking-head-b.mp4');

  it('drops frames for a slow consumer, never holds more than one, and always ends on the newest', async () => {
    const source = await VideoSource.open(parseSource(clipB), { pacing: 'fast' });
    const scheduler = new FrameScheduler(source);
    const seen: number[] = [];
    const pendingSamples: number[] = [];
    let faces = 0;
    // Sample the mailbox every millisecond or so, not only when the consumer looks.
    let sampling = true;
    const sample = (): void => {
      pendingSamples.push(scheduler.pendingFrames);
      if (sampling) setTimeout(sample, 1);
    };
    sample();
    await scheduler.run(async (frame) => {
      seen.push(frame.index);
      if ((await countFaces(frame)) === 1) faces++;
      frame.bgr.release();
    });
    sampling = false;

    const stats = scheduler.stats;
    expect(stats.captured).toBe(216);
    expect(stats.processed).toBe(seen.length);
    expect(stats.processed + stats.dropped).toBe(216);
    expect(stats.dropped).toBeGreaterThan(100);
    expect(stats.corrupt).toBe(0);
    expect(pendingSamples.reduce((most, pending) => Math.max(most, pending), 0)).toBe(1);
    expect(pendingSamples.length).toBeGreaterThan(seen.length);
    expect(seen.every((index, i) => i === 0 || index > (seen[i - 1] ?? -1))).toBe(true);
    expect(seen.at(-1)).toBe(215);
    // One talking head in every frame the consumer saw.
    expect(faces).toBe(seen.length);
    expect(scheduler.pendingFrames).toBe(0);
  });

  it("processes every frame in order in 'every' mode", async () => {
    const source = await VideoSource.open(parseSource(clipB), { pacing: 'fast' });
    const scheduler = new FrameScheduler(source, 'every');
    const seen: number[] = [];
    let maxPending = 0;
    await scheduler.run(async (frame) => {
      seen.push(frame.index);
      (await frame.bgr.cvtColorAsync(cv.COLOR_BGR2GRAY)).release();
      maxPending = Math.max(maxPending, scheduler.pendingFrames);
      frame.bgr.release();
    });
    expect(seen).toEqual([...Array(216).keys()]);
    expect(scheduler.stats).toEqual({ captured: 216, processed: 216, dropped: 0, corrupt: 0, reconnects: 0 });
    expect(maxPending).toBe(1);
  });

  it('stops cleanly: the frame in hand finishes, nothing new starts, the capture is released', async () => {
    const events: SourceStatusEvent[] = [];
    const source = await VideoSource.open(parseSource(clipA), { onStatus: (event) => events.push(event) });
    const scheduler = new FrameScheduler(source);
    const log: string[] = [];
    let stopping: Promise<void> | null = null;
    let started = 0;
    const running = scheduler.run(async (frame) => {
      log.push(`start ${started}`);
      // Stop from outside while the tenth frame is being worked on, as Ctrl-C would.
      if (started === 10) stopping = new Promise((done) => setImmediate(() => void scheduler.stop().then(done)));
      await countFaces(frame);
      log.push(`end ${started++}`);
      frame.bgr.release();
    });
    await running;
    await stopping;
    await scheduler.stop();

    const processed = scheduler.stats.processed;
    expect(processed).toBe(11);
    expect(log.at(-1)).toBe('end 10');
    expect(log.filter((entry) => entry.startsWith('start'))).toHaveLength(processed);
    expect(log.filter((entry) => entry.startsWith('end'))).toHaveLength(processed);
    // Realtime pacing at 30 fps: the loop ran about a third of a second, nowhere near the clip's 587 frames.
    expect(scheduler.stats.captured).toBeLessThan(100);
    expect(scheduler.stats.captured).toBe(processed + scheduler.stats.dropped);
    expect(source.state).toBe('ended');
    expect(source.info).toBeNull();
    expect(events.at(-1)?.detail).toBe('stopped');
    expect(await source.read()).toBeNull();
  });

  it('releases the capture and rejects with the error when the consumer throws', async () => {
    const source = await VideoSource.open(parseSource(clipB), { pacing: 'fast' });
    const scheduler = new FrameScheduler(source, 'every');
    await expect(
      scheduler.run((frame) => {
        frame.bgr.release();
        if (frame.index === 3) throw new Error('pipeline failed on frame 3');
      }),
    ).rejects.toThrow('pipeline failed on frame 3');
    expect(scheduler.stats.processed).toBe(4);
    expect(source.state).toBe('ended');
    expect(source.info).toBeNull();
    // A scheduler runs once: "FrameScheduler.run() may be called only once"
    expect(() => scheduler.run(() => undefined)).toThrow('FrameScheduler.run() may be called only once');
  });

  it('rejects with the error when reading fails, after the frames already taken', async () => {
    const source = await VideoSource.open(parseSource(clipB), {
      pacing: 'fast',
      onStatus: (event) => {
        if (event.state === 'ended') throw new Error(`status listener failed on '${event.detail}'`);
      },
    });
    const scheduler = new FrameScheduler(source, 'every');
    let consumed = 0;
    await expect(
      scheduler.run((frame) => {
        consumed++;
        frame.bgr.release();
      }),
    ).rejects.toThrow("status listener failed on 'end of file after 216 frames'");
    expect(consumed).toBe(216);
    expect(source.info).toBeNull();
  });
});
