import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import cv from '../cv.js';
import { bundledDemoPhoto } from './demoClip.js';
import type { SourceStatusEvent } from './events.js';
import { startMjpegTestCamera } from './mjpegTestCamera.js';
import {
  describeSource,
  parseSource,
  VideoSource,
  VideoSourceError,
  type CapturedFrame,
  type VideoSourceOptions,
} from './videoSource.js';

const here = dirname(fileURLToPath(import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'clockface-video-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function openWithEvents(
  spec: Parameters<typeof VideoSource.open>[0],
  options: VideoSourceOptions = {},
): Promise<{ source: VideoSource; events: SourceStatusEvent[] }> {
  const events: SourceStatusEvent[] = [];
  const source = await VideoSource.open(spec, { ...options, onStatus: (event) => events.push(event) });
  return { source, events };
}

async function readAll(source: VideoSource): Promise<CapturedFrame[]> {
  const frames: CapturedFrame[] = [];
  for (let frame = await source.read(); frame !== null; frame = await source.read()) {
    frames.push(frame);
    frame.bgr.release();
  }
  return frames;
}

function caughtError(work: () => unknown): VideoSourceError {
  try {
    work();
  } catch (error) {
    if (error instanceof VideoSourceError) return error;
    throw error;
  }
  throw new Error('expected a VideoSourceError');
}

describe('parseSource', () => {
  it('reads a bare integer as a camera index', () => {
    expect(parseSource('0')).toEqual({ kind: 'device', index: 0 });
    expect(parseSource(' 2 ')).toEqual({ kind: 'device', index: 2 });
  });

  it('reads rtsp, rtmp and http(s) URLs as streams', () => {
    expect(parseSource('rtsp://cam.local:8554/live')).toEqual({ kind: 'stream', url: 'rtsp://cam.local:8554/live' });
    expect(parseSource('HTTP://10.0.0.5/video.mjpg')).toEqual({ kind: 'stream', url: 'http://10.0.0.5/video.mjpg' });
    expect(parseSource('rtmp://example.org/app/key').kind).toBe('stream');
  });

  it('reads an existing path, relative or as a file: URL, as an absolute file path', () => {
    const self = fileURLToPath(import.meta.url);
    expect(parseSource(self)).toEqual({ kind: 'file', path: self });
    expect(parseSource(import.meta.url)).toEqual({ kind: 'file', path: self });
    expect(parseSource('package.json')).toEqual({ kind: 'file', path: resolve('package.json') });
  });

  it('refuses what is none of them, each with its own message', () => {
    // Empty: "(empty): no video source given; expected a camera index such as 0, a video file or a stream URL"
    expect(caughtError(() => parseSource('  ')).message).toBe(
      '(empty): no video source given; expected a camera index such as 0, a video file or a stream URL',
    );
    // A word that is no file: "webcam: is not a camera index, an existing video file or a stream URL (rtsp://, http://)"
    const word = caughtError(() => parseSource('webcam'));
    expect(word.code).toBe('invalid-source');
    expect(word.message).toBe(
      'webcam: is not a camera index, an existing video file or a stream URL (rtsp://, http://)',
    );
    // A negative index is a word too: "-1: is not a camera index, ..."
    expect(caughtError(() => parseSource('-1')).code).toBe('invalid-source');
    // An OpenCV backend code: "200: camera index must be 0..99 (OpenCV reads larger numbers as backend codes)"
    expect(caughtError(() => parseSource('200')).message).toBe(
      '200: camera index must be 0..99 (OpenCV reads larger numbers as backend codes)',
    );
    // "ftp://host/x.mp4: unsupported URL scheme "ftp:"; streams must be rtsp, rtsps, rtmp, http or https"
    expect(caughtError(() => parseSource('ftp://host/x.mp4')).message).toBe(
      'ftp://host/x.mp4: unsupported URL scheme "ftp:"; streams must be rtsp, rtsps, rtmp, http or https',
    );
    // "http://: is not a valid URL"
    expect(caughtError(() => parseSource('http://')).message).toBe('http://: is not a valid URL');
    // "rtsp://:554/x: is not a valid URL" (a port without a host)
    expect(caughtError(() => parseSource('rtsp://:554/x')).message).toBe('rtsp://:554/x: is not a valid URL');
    // "rtsp:///live: the stream URL names no host"
    expect(caughtError(() => parseSource('rtsp:///live')).message).toBe('rtsp:///live: the stream URL names no host');
    // A folder: "<folder>: is a directory, not a video file"
    const folder = caughtError(() => parseSource(here));
    expect(folder.code).toBe('not-a-file');
    expect(folder.message).toBe(`${here}: is a directory, not a video file`);
    // A device that is no camera: "/dev/null: is not a regular file"
    expect(caughtError(() => parseSource('/dev/null')).message).toBe('/dev/null: is not a regular file');
  });

  it('masks a stream password when describing the source', () => {
    expect(describeSource(parseSource('rtsp://admin:s3cret@10.0.0.9:554/stream1'))).toBe(
      'rtsp://admin:***@10.0.0.9:554/stream1',
    );
    expect(describeSource({ kind: 'device', index: 1 })).toBe('camera 1');
  });
});

describe('VideoSource options', () => {
  it('refuses bad options with the option named', async () => {
    const spec = { kind: 'device', index: 0 } as const;
    // "camera 0: maxWidth must be an integer >= 0, got -5"
    await expect(VideoSource.open(spec, { maxWidth: -5 })).rejects.toThrow(
      'camera 0: maxWidth must be an integer >= 0, got -5',
    );
    // "camera 0: reconnectDelayMs must be a finite number > 0, got NaN"
    await expect(VideoSource.open(spec, { reconnectDelayMs: Number.NaN })).rejects.toThrow(
      'camera 0: reconnectDelayMs must be a finite number > 0, got NaN',
    );
    // "camera 0: maxReconnectAttempts must be an integer >= 0 or Infinity, got 1.5"
    await expect(VideoSource.open(spec, { maxReconnectAttempts: 1.5 })).rejects.toThrow(
      'camera 0: maxReconnectAttempts must be an integer >= 0 or Infinity, got 1.5',
    );
  });
});

describe('VideoSource on files that cannot be read', () => {
  it('refuses an empty file: "<path>: the file is empty"', async () => {
    const empty = join(scratch, 'empty.mp4');
    writeFileSync(empty, '');
    const error = await VideoSource.open(parseSource(empty)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VideoSourceError);
    expect((error as VideoSourceError).code).toBe('cannot-open');
    expect((error as VideoSourceError).message).toBe(`${empty}: the file is empty`);
  });

  it('refuses a file that is not a video', async () => {
    const text = join(scratch, 'notes.mp4');
    writeFileSync(text, 'these are not the frames you are looking for\n'.repeat(100));
    // "<path>: OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)"
    await expect(VideoSource.open(parseSource(text))).rejects.toThrow(
      `${text}: OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)`,
    );
  });
});

describe.skipIf(!hasSharedData)(`VideoSource on the shared clips (${sharedDataSkipReason})`, () => {
  const clipA = sharedPath('video', 'talking-head-a.mp4');
  const clipB = sharedPath('video', 'talking-head-b.mp4');

  it('reads every frame of talking-head-a in fast mode, then reports ended', async () => {
    const { source, events } = await openWithEvents(parseSource(clipA), { pacing: 'fast' });
    expect(source.info).toEqual({
      captureWidth: 512,
      captureHeight: 480,
      width: 512,
      height: 480,
      fps: 30,
      frameCount: 587,
    });
    const frames = await readAll(source);
    expect(frames).toHaveLength(587);
    expect(frames.every((frame) => frame.width === 512 && frame.height === 480)).toBe(true);
    expect(frames.map((frame) => frame.index)).toEqual([...Array(587).keys()]);
    expect(frames.every((frame, i) => i === 0 || frame.capturedAt >= (frames[i - 1]?.capturedAt ?? 0))).toBe(true);
    expect(events.map(({ state, detail }) => [state, detail])).toEqual([
      ['ok', '512x480 at 30 fps'],
      ['ended', 'end of file after 587 frames'],
    ]);
    expect(events[0]?.source).toBe(clipA);
    expect(source.stats).toEqual({ framesRead: 587, corruptFrames: 0, reconnects: 0 });
    expect(await source.read()).toBeNull();
    await source.close();
    expect(events).toHaveLength(2);
  });

  it('scales talking-head-b down to maxWidth, keeping its aspect', async () => {
    const { source, events } = await openWithEvents(parseSource(clipB), { pacing: 'fast', maxWidth: 240 });
    const frames = await readAll(source);
    expect(frames).toHaveLength(216);
    expect(new Set(frames.map((frame) => `${frame.width}x${frame.height}`))).toEqual(new Set(['240x240']));
    expect(events.map((event) => event.detail)).toEqual([
      '480x480 scaled to 240x240 at 30 fps',
      'end of file after 216 frames',
    ]);
  });

  it('paces a file at its frame rate by default and stops when closed', async () => {
    const { source, events } = await openWithEvents(parseSource(clipB));
    const times: number[] = [];
    for (let i = 0; i <= 30; i++) {
      const frame = await source.read();
      if (frame === null) throw new Error('the clip ended early');
      times.push(frame.capturedAt);
      frame.bgr.release();
    }
    // Frame 30 is due one second after frame 0 was requested; frame 0 took only its decode time.
    const spanMs = (times[30] ?? 0) - (times[0] ?? 0);
    expect(spanMs).toBeGreaterThan(900);
    await source.close();
    expect(await source.read()).toBeNull();
    expect(events.map(({ state, detail }) => [state, detail])).toEqual([
      ['ok', '480x480 at 30 fps'],
      ['ended', 'stopped'],
    ]);
    expect(source.info).toBeNull();
  });

  it('refuses an mp4 cut short before its index (moov atom) as unreadable', async () => {
    const cut = join(scratch, 'talking-head-a-cut.mp4');
    writeFileSync(cut, readFileSync(clipA).subarray(0, 1_000_000));
    await expect(VideoSource.open(parseSource(cut))).rejects.toThrow(
      `${cut}: OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)`,
    );
  });

  it('reads a truncated AVI up to the cut and says it ended early', async () => {
    const avi = join(scratch, 'talking-head-b.avi');
    const capture = new cv.VideoCapture(clipB, cv.CAP_FFMPEG);
    const writer = new cv.VideoWriter(avi, cv.VideoWriter.fourcc('MJPG'), 30, new cv.Size(480, 480));
    for (let frame = capture.read(); !frame.empty; frame = capture.read()) writer.write(frame);
    writer.release();
    capture.release();
    const cut = join(scratch, 'talking-head-b-cut.avi');
    const bytes = readFileSync(avi);
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));

    const { source, events } = await openWithEvents(parseSource(cut), { pacing: 'fast' });
    expect(source.info?.frameCount).toBe(216);
    const frames = await readAll(source);
    // Half the bytes of a constant-quality MJPEG file hold about half its frames.
    expect(frames.length).toBeGreaterThan(90);
    expect(frames.length).toBeLessThan(130);
    expect(events.map(({ state, detail }) => [state, detail])).toEqual([
      ['ok', '480x480 at 30 fps'],
      ['ended', `the file ended after ${frames.length} of its 216 frames: it is truncated or damaged`],
    ]);
  });
});

// Camera 7 stands for a device that is absent; a machine that really has one cannot run this.
describe.skipIf(existsSync('/dev/video7'))(
  'VideoSource on a camera that is not there (skipped where /dev/video7 exists)',
  () => {
    it('reports it lost, retries with backoff, then gives up', async () => {
      const { source, events } = await openWithEvents(
        { kind: 'device', index: 7 },
        { reconnectDelayMs: 10, maxReconnectDelayMs: 15, maxReconnectAttempts: 3 },
      );
      expect(await source.read()).toBeNull();
      const cannotOpen = 'cannot open camera 7 (not connected, or in use by another program)';
      expect(events.map(({ state, detail }) => [state, detail])).toEqual([
        ['lost', cannotOpen],
        ['reconnecting', 'attempt 1 in 10 ms'],
        ['reconnecting', 'attempt 2 in 15 ms'],
        ['reconnecting', 'attempt 3 in 15 ms'],
        ['ended', `gave up after 3 reconnection attempts: ${cannotOpen}`],
      ]);
      expect(events.every((event) => event.source === 'camera 7' && event.at instanceof Date)).toBe(true);
    });
  },
);

describe('VideoSource on an MJPEG stream from a loopback camera that fails', () => {
  const servers: ChildProcess[] = [];
  afterAll(() => servers.forEach((server) => server.kill()));

  /** Serves the demo photo as a 640x480 MJPEG stream from a child process; resolves its URL. */
  async function startCamera(framesPerConnection: number, connections: number, stallMs = 0): Promise<string> {
    const folder = mkdtempSync(join(scratch, 'mjpeg-'));
    const photo = await cv.imreadAsync(bundledDemoPhoto().path);
    for (let i = 0; i < 5; i++) {
      const view = photo.getRegion(new cv.Rect(800 + i * 20, 60, 680, 510)).resize(480, 640);
      writeFileSync(join(folder, `${i}.jpg`), cv.imencode('.jpg', view));
    }
    const { url, server } = await startMjpegTestCamera(folder, framesPerConnection, connections, stallMs);
    servers.push(server);
    return url;
  }

  it('goes lost, reconnects with backoff each time the stream drops, then gives up when the camera dies', async () => {
    const url = await startCamera(20, 3);
    const { source, events } = await openWithEvents(parseSource(url), {
      reconnectDelayMs: 100,
      maxReconnectDelayMs: 300,
      maxReconnectAttempts: 3,
      lostAfterFailedReads: 3,
      failedReadPauseMs: 10,
    });
    const frames = await readAll(source);

    expect(frames).toHaveLength(60);
    expect(frames.every((frame) => frame.width === 640 && frame.height === 480)).toBe(true);
    expect(source.stats).toEqual({ framesRead: 60, corruptFrames: 9, reconnects: 2 });
    const port = new URL(url).port;
    const lost = '3 reads in a row gave no frame';
    expect(events.map(({ state, detail }) => [state, detail])).toEqual([
      ['ok', '640x480 at 25 fps'],
      ['lost', lost],
      ['reconnecting', 'attempt 1 in 100 ms'],
      ['ok', 'frames are back (640x480 at 25 fps) after 1 reconnection attempt(s)'],
      ['lost', lost],
      ['reconnecting', 'attempt 1 in 100 ms'],
      ['ok', 'frames are back (640x480 at 25 fps) after 1 reconnection attempt(s)'],
      ['lost', lost],
      ['reconnecting', 'attempt 1 in 100 ms'],
      ['reconnecting', 'attempt 2 in 200 ms'],
      ['reconnecting', 'attempt 3 in 300 ms'],
      ['ended', `gave up after 3 reconnection attempts: cannot connect to 127.0.0.1:${port} (ECONNREFUSED)`],
    ]);
  });

  it('reports a stream that goes silent as lost while the read waits, and ok when frames resume', async () => {
    const url = await startCamera(20, 1, 1500);
    const { source, events } = await openWithEvents(parseSource(url), {
      stallTimeoutMs: 300,
      maxReconnectAttempts: 0,
      lostAfterFailedReads: 3,
      failedReadPauseMs: 10,
    });
    const frames = await readAll(source);

    expect(frames).toHaveLength(20);
    // The frame after the silence arrived about 1.5 s after the one before it.
    const gaps = frames.slice(1).map((frame, i) => frame.capturedAt - (frames[i]?.capturedAt ?? 0));
    expect(Math.max(...gaps)).toBeGreaterThan(1000);
    expect(events.map(({ state, detail }) => [state, detail])).toEqual([
      ['ok', '640x480 at 25 fps'],
      ['lost', 'no frame for 300 ms'],
      ['ok', 'frames are back (640x480 at 25 fps)'],
      ['lost', '3 reads in a row gave no frame'],
      ['ended', 'gave up after 0 reconnection attempts: 3 reads in a row gave no frame'],
    ]);
  });
});
