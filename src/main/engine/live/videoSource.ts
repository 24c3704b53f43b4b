import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import cv, { type Mat } from '../cv.js';
import type { SourceState, SourceStatusEvent } from './events.js';

/**
 * Frames from a camera, a video file or a network stream, through OpenCV's VideoCapture.
 *
 * Every read runs on libuv's thread pool (`readAsync`), so a slow camera never stalls the event
 * loop. Files are paced at their own frame rate by default, as a camera would deliver them; a file
 * that is over is 'ended'. Cameras and streams that stop delivering are 'lost', then reopened with
 * exponential backoff ('reconnecting') until frames come back ('ok').
 *
 * One thing cannot be made asynchronous: opencv4nodejs opens a capture synchronously. Before
 * opening a stream we therefore check that its host accepts a TCP connection (asynchronously, with
 * a timeout), so an unreachable camera costs the event loop nothing; only a server that accepts
 * the connection and then stays silent can hold the open, up to FFmpeg's own 30 s timeout.
 */

export type SourceSpec =
  | { readonly kind: 'device'; readonly index: number }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stream'; readonly url: string };

export type VideoSourceErrorCode = 'invalid-source' | 'not-a-file' | 'cannot-open' | 'invalid-option';

/** A source or option the live loop refuses; the message is one line starting with the source. */
export class VideoSourceError extends Error {
  constructor(
    readonly code: VideoSourceErrorCode,
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'VideoSourceError';
  }
}

/** Above 99, OpenCV reads a camera index as a backend code plus an index (200 = V4L2 camera 0). */
const MAX_DEVICE_INDEX = 99;
const STREAM_DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'rtsp:': 554,
  'rtsps:': 322,
  'rtmp:': 1935,
  'http:': 80,
  'https:': 443,
};
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const LINUX_CAMERA_DEVICE = /^\/dev\/video(\d+)$/;

/**
 * Reads `clockface run --source`: a bare integer is a camera index, an rtsp/rtmp/http(s) URL a
 * stream, an existing path (or file: URL) a video file. `/dev/videoN` is camera N.
 */
export function parseSource(text: string): SourceSpec {
  const given = text.trim();
  if (given === '') {
    throw new VideoSourceError(
      'invalid-source',
      '(empty)',
      'no video source given; expected a camera index such as 0, a video file or a stream URL',
    );
  }
  if (/^\d+$/.test(given)) {
    const index = Number(given);
    if (index > MAX_DEVICE_INDEX) {
      throw new VideoSourceError(
        'invalid-source',
        given,
        `camera index must be 0..${MAX_DEVICE_INDEX} (OpenCV reads larger numbers as backend codes)`,
      );
    }
    return { kind: 'device', index };
  }
  const scheme = URL_SCHEME.exec(given)?.[1]?.toLowerCase();
  if (scheme === 'file') return parsePath(fileURLToPath(given), given);
  if (scheme !== undefined) return parseStreamUrl(given, `${scheme}:`);
  return parsePath(given, given);
}

function parseStreamUrl(given: string, protocol: string): SourceSpec {
  if (!(protocol in STREAM_DEFAULT_PORTS)) {
    throw new VideoSourceError(
      'invalid-source',
      given,
      `unsupported URL scheme "${protocol}"; streams must be rtsp, rtsps, rtmp, http or https`,
    );
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new VideoSourceError('invalid-source', given, 'is not a valid URL');
  }
  if (url.hostname === '') throw new VideoSourceError('invalid-source', given, 'the stream URL names no host');
  return { kind: 'stream', url: url.href };
}

function parsePath(path: string, given: string): SourceSpec {
  const absolute = resolve(path);
  const info = statSync(absolute, { throwIfNoEntry: false });
  if (info === undefined) {
    throw new VideoSourceError(
      'invalid-source',
      given,
      'is not a camera index, an existing video file or a stream URL (rtsp://, http://)',
    );
  }
  const camera = LINUX_CAMERA_DEVICE.exec(absolute);
  if (info.isCharacterDevice() && camera?.[1] !== undefined) return { kind: 'device', index: Number(camera[1]) };
  if (info.isDirectory()) throw new VideoSourceError('not-a-file', given, 'is a directory, not a video file');
  if (!info.isFile()) throw new VideoSourceError('not-a-file', given, 'is not a regular file');
  return { kind: 'file', path: absolute };
}

/** The source as shown to people: a stream's password is masked. */
export function describeSource(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'device':
      return `camera ${spec.index}`;
    case 'file':
      return spec.path;
    case 'stream': {
      const url = new URL(spec.url);
      if (url.password !== '') url.password = '***';
      return url.href;
    }
  }
}

export interface VideoSourceOptions {
  /** Requested camera frame size and rate (cameras only; the camera may choose otherwise, see `info`). */
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Frames wider than this are scaled down, aspect kept; 0 keeps them as captured. */
  readonly maxWidth?: number;
  /** Files: 'realtime' delivers frames at the file's frame rate, 'fast' as fast as they decode. */
  readonly pacing?: 'realtime' | 'fast';
  /** Wait before the first reconnection attempt; it doubles after each failure, up to the maximum. */
  readonly reconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
  /** Reconnection attempts in a row before the source is given up ('ended'). */
  readonly maxReconnectAttempts?: number;
  /** A camera or stream is 'lost' after this many failed or empty reads in a row... */
  readonly lostAfterFailedReads?: number;
  /** ...separated by this pause (a dead stream fails instantly: without it we would spin). */
  readonly failedReadPauseMs?: number;
  /** A read still pending after this long reports 'lost' (the read itself cannot be abandoned). */
  readonly stallTimeoutMs?: number;
  /** How long a stream's host may take to accept a TCP connection. */
  readonly connectTimeoutMs?: number;
  readonly onStatus?: (event: SourceStatusEvent) => void;
}

type Settings = Required<Omit<VideoSourceOptions, 'width' | 'height' | 'fps' | 'onStatus'>>;

export const DEFAULT_VIDEO_SOURCE_SETTINGS: Settings = {
  // Detection and recognition need no more: faces at kiosk distance stay well above 80 px wide.
  maxWidth: 640,
  pacing: 'realtime',
  reconnectDelayMs: 500,
  maxReconnectDelayMs: 10_000,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
  lostAfterFailedReads: 10,
  failedReadPauseMs: 100,
  stallTimeoutMs: 3000,
  connectTimeoutMs: 3000,
};

/** What the open capture actually delivers (a camera may ignore the requested size or rate). */
export interface CaptureInfo {
  /** Frame size as captured, before any scaling down to `maxWidth`. */
  readonly captureWidth: number;
  readonly captureHeight: number;
  /** Frame size as delivered. */
  readonly width: number;
  readonly height: number;
  /** The reported frame rate; for files, the rate `realtime` pacing uses. */
  readonly fps: number;
  /** Files: the frame count their header declares; null for cameras and streams. */
  readonly frameCount: number | null;
}

/** One frame as read: BGR, 8-bit, 3 channels, at most `maxWidth` wide. */
export interface CapturedFrame {
  readonly bgr: Mat;
  readonly width: number;
  readonly height: number;
  /** 0, 1, 2… over the good frames this source delivered (skipped and corrupt reads are not numbered). */
  readonly index: number;
  /** performance.now() when the read completed: the start of capture-to-decision latency. */
  readonly capturedAt: number;
}

export interface SourceStats {
  /** Good frames delivered. */
  readonly framesRead: number;
  /** Reads that gave no usable image (empty, failed, or not 8-bit), skipped. */
  readonly corruptFrames: number;
  /** Times the capture was reopened successfully after being lost. */
  readonly reconnects: number;
}

/**
 * Linux cameras are V4L2 devices; asking for V4L2 skips OpenCV's GStreamer attempt, which only
 * adds a delay and warnings. Elsewhere OpenCV's default order picks the platform's camera API.
 */
const CAMERA_BACKEND = process.platform === 'linux' ? cv.CAP_V4L2 : cv.CAP_ANY;
/** Files and streams go through FFmpeg only: no silent fallback to another backend's behaviour. */
const FILE_AND_STREAM_BACKEND = cv.CAP_FFMPEG;

/** Frames whose file declares no usable rate are paced as a common camera would deliver them. */
const FALLBACK_FPS = 30;
/** A file's declared frame count may be an estimate from its duration; allow this much slack. */
const FRAME_COUNT_SLACK = 1;

export class VideoSource {
  readonly name: string;
  private readonly settings: Settings;
  private capture: InstanceType<typeof cv.VideoCapture> | null = null;
  private currentInfo: CaptureInfo | null = null;
  private currentState: SourceState | 'starting' = 'starting';
  private framesRead = 0;
  private corruptFrames = 0;
  private reconnects = 0;
  /** Reads from the current file capture, for pacing and for spotting a truncated file. */
  private fileReads = 0;
  private pacingStart = 0;
  private failedReadsInRow = 0;
  private reconnectAttempts = 0;
  private lastProblem = '';
  private reading = false;
  /** The capture call running on the thread pool: the capture is never released under it. */
  private inFlight: Promise<unknown> | null = null;
  private readonly stopSignal = new AbortController();
  private closing: Promise<void> | null = null;

  private constructor(
    readonly spec: SourceSpec,
    private readonly options: VideoSourceOptions,
  ) {
    this.name = describeSource(spec);
    this.settings = checkedSettings(this.name, options);
  }

  /**
   * Opens the source. A file that cannot be opened throws (it will not get better); a camera or
   * stream that cannot be opened is reported 'lost' and retried by `read()`.
   */
  static async open(spec: SourceSpec, options: VideoSourceOptions = {}): Promise<VideoSource> {
    const source = new VideoSource(spec, options);
    if (spec.kind === 'file') {
      if (statSync(spec.path, { throwIfNoEntry: false })?.size === 0) {
        throw new VideoSourceError('cannot-open', source.name, 'the file is empty');
      }
      const error = await source.tryOpen();
      if (error !== null) throw new VideoSourceError('cannot-open', source.name, error);
    } else {
      const error = await source.tryOpen();
      if (error !== null) {
        source.lastProblem = error;
        source.setState('lost', error);
      }
    }
    return source;
  }

  get state(): SourceState | 'starting' {
    return this.currentState;
  }

  /** The open capture's actual properties; null while a lost source is not reopened. */
  get info(): CaptureInfo | null {
    return this.currentInfo;
  }

  get stats(): SourceStats {
    return { framesRead: this.framesRead, corruptFrames: this.corruptFrames, reconnects: this.reconnects };
  }

  private get isLive(): boolean {
    return this.spec.kind !== 'file';
  }

  /**
   * The next good frame, or null once the source has ended or is closed. Skips corrupt frames,
   * waits out file pacing, and reconnects lost cameras and streams. One read at a time.
   */
  async read(): Promise<CapturedFrame | null> {
    if (this.reading) throw new Error('VideoSource.read() called while another read is pending');
    this.reading = true;
    try {
      return await this.readNext();
    } finally {
      this.reading = false;
    }
  }

  private async readNext(): Promise<CapturedFrame | null> {
    for (;;) {
      if (this.closing !== null || this.currentState === 'ended') return null;
      const capture = this.capture;
      if (capture === null) {
        if (!(await this.reconnect())) return null;
        continue;
      }
      if (!(await this.waitForFileSchedule())) return null;

      const image = await this.readImage(capture);
      if (this.closing !== null) {
        image?.release();
        return null;
      }
      if (this.spec.kind === 'file') this.fileReads++;
      const bgr = image === null ? null : await this.toDeliverableBgr(image);
      if (bgr !== null) return this.deliver(bgr);
      image?.release();

      if (this.spec.kind === 'file' && (image === null || image.empty)) {
        this.endFile();
        return null;
      }
      this.corruptFrames++;
      if (this.isLive) await this.afterFailedRead();
    }
  }

  /** Reads once; null when OpenCV threw. Reports 'lost' if a live read hangs past the stall limit. */
  private async readImage(capture: InstanceType<typeof cv.VideoCapture>): Promise<Mat | null> {
    const pending = capture.readAsync();
    this.inFlight = pending;
    const stallTimer = this.isLive
      ? setTimeout(
          () => this.setState('lost', `no frame for ${seconds(this.settings.stallTimeoutMs)}`),
          this.settings.stallTimeoutMs,
        )
      : undefined;
    try {
      return await pending;
    } catch {
      return null;
    } finally {
      clearTimeout(stallTimer);
      this.inFlight = null;
    }
  }

  /** The image as 8-bit BGR within `maxWidth`, or null when it is no usable image. */
  private async toDeliverableBgr(image: Mat): Promise<Mat | null> {
    if (image.empty || image.depth !== cv.CV_8U || image.rows === 0 || image.cols === 0) return null;
    const conversion = { 1: cv.COLOR_GRAY2BGR, 3: null, 4: cv.COLOR_BGRA2BGR }[image.channels];
    if (conversion === undefined) return null;
    // Each step frees the image it replaces at once: ~1 MB a frame is too much to leave to the GC.
    let bgr = image;
    if (conversion !== null) bgr = await replaced(image, image.cvtColorAsync(conversion));
    const { maxWidth } = this.settings;
    if (maxWidth > 0 && bgr.cols > maxWidth) {
      const rows = Math.max(1, Math.round((bgr.rows * maxWidth) / bgr.cols));
      bgr = await replaced(bgr, bgr.resizeAsync(rows, maxWidth, 0, 0, cv.INTER_AREA));
    }
    return bgr;
  }

  private deliver(bgr: Mat): CapturedFrame {
    const capturedAt = performance.now();
    this.failedReadsInRow = 0;
    if (this.currentState !== 'ok') {
      const detail =
        this.currentState === 'starting'
          ? this.describeInfo()
          : this.reconnectAttempts === 0
            ? `frames are back (${this.describeInfo()})`
            : `frames are back (${this.describeInfo()}) after ${this.reconnectAttempts} reconnection attempt(s)`;
      this.reconnectAttempts = 0;
      this.setState('ok', detail);
    }
    return { bgr, width: bgr.cols, height: bgr.rows, index: this.framesRead++, capturedAt };
  }

  private endFile(): void {
    const declared = this.currentInfo?.frameCount ?? 0;
    const decoded = this.fileReads - 1;
    const detail =
      declared > 0 && decoded < declared - FRAME_COUNT_SLACK
        ? `the file ended after ${decoded} of its ${declared} frames: it is truncated or damaged`
        : `end of file after ${decoded} frames`;
    this.releaseCapture();
    this.setState('ended', detail);
  }

  /** A live read failed: pause before the next, and after too many in a row give the capture up. */
  private async afterFailedRead(): Promise<void> {
    this.failedReadsInRow++;
    if (this.failedReadsInRow < this.settings.lostAfterFailedReads && this.currentState !== 'lost') {
      await this.pause(this.settings.failedReadPauseMs);
      return;
    }
    this.releaseCapture();
    const reads = this.failedReadsInRow === 1 ? 'read' : 'reads';
    this.lastProblem = `${this.failedReadsInRow} ${reads} in a row gave no frame`;
    this.setState('lost', this.lastProblem);
  }

  /** Reopens with exponential backoff; false when closed or out of attempts ('ended'). */
  private async reconnect(): Promise<boolean> {
    const { reconnectDelayMs, maxReconnectDelayMs, maxReconnectAttempts } = this.settings;
    while (this.reconnectAttempts < maxReconnectAttempts) {
      const delay = Math.min(reconnectDelayMs * 2 ** this.reconnectAttempts, maxReconnectDelayMs);
      this.reconnectAttempts++;
      this.setState('reconnecting', `attempt ${this.reconnectAttempts} in ${seconds(delay)}`);
      if (!(await this.pause(delay))) return false;
      const error = await this.tryOpen();
      if (this.closing !== null) return false;
      if (error === null) {
        this.reconnects++;
        this.failedReadsInRow = 0;
        return true;
      }
      this.lastProblem = error;
    }
    this.setState('ended', `gave up after ${this.reconnectAttempts} reconnection attempts: ${this.lastProblem}`);
    return false;
  }

  /** Opens the capture; returns why it could not, or null on success. */
  private async tryOpen(): Promise<string | null> {
    if (this.spec.kind === 'stream') {
      const unreachable = await probeStreamHost(
        new URL(this.spec.url),
        this.settings.connectTimeoutMs,
        this.stopSignal.signal,
      );
      if (unreachable !== null) return unreachable;
    }
    let capture: InstanceType<typeof cv.VideoCapture>;
    try {
      capture =
        this.spec.kind === 'device'
          ? new cv.VideoCapture(this.spec.index, CAMERA_BACKEND)
          : new cv.VideoCapture(this.spec.kind === 'file' ? this.spec.path : this.spec.url, FILE_AND_STREAM_BACKEND);
    } catch {
      return cannotOpenReason(this.spec);
    }
    if (this.closing !== null) {
      capture.release();
      return 'closed';
    }
    this.capture = capture;
    if (this.spec.kind === 'device') await this.requestCameraSettings(capture);
    if (this.closing !== null) return 'closed';
    this.currentInfo = this.readCaptureInfo(capture);
    this.fileReads = 0;
    this.pacingStart = 0;
    return null;
  }

  private async requestCameraSettings(capture: InstanceType<typeof cv.VideoCapture>): Promise<void> {
    const requests: [number, number | undefined][] = [
      [cv.CAP_PROP_FRAME_WIDTH, this.options.width],
      [cv.CAP_PROP_FRAME_HEIGHT, this.options.height],
      [cv.CAP_PROP_FPS, this.options.fps],
    ];
    for (const [property, value] of requests) {
      if (value === undefined || this.closing !== null) continue;
      const setting = capture.setAsync(property, value);
      this.inFlight = setting;
      // A camera that refuses a setting keeps its own; `info` reports what it chose.
      await setting.catch(() => false);
      this.inFlight = null;
    }
  }

  private readCaptureInfo(capture: InstanceType<typeof cv.VideoCapture>): CaptureInfo {
    const captureWidth = Math.round(capture.get(cv.CAP_PROP_FRAME_WIDTH));
    const captureHeight = Math.round(capture.get(cv.CAP_PROP_FRAME_HEIGHT));
    const { maxWidth } = this.settings;
    const scaled = maxWidth > 0 && captureWidth > maxWidth;
    const reportedFps = capture.get(cv.CAP_PROP_FPS);
    const fps = Number.isFinite(reportedFps) && reportedFps > 0 && reportedFps <= 1000 ? reportedFps : FALLBACK_FPS;
    const count = capture.get(cv.CAP_PROP_FRAME_COUNT);
    return {
      captureWidth,
      captureHeight,
      width: scaled ? maxWidth : captureWidth,
      height: scaled ? Math.max(1, Math.round((captureHeight * maxWidth) / captureWidth)) : captureHeight,
      fps,
      frameCount: this.spec.kind === 'file' && Number.isFinite(count) && count > 0 ? Math.round(count) : null,
    };
  }

  private describeInfo(): string {
    const info = this.currentInfo;
    if (info === null) return 'no capture';
    const scaled = info.width !== info.captureWidth ? ` scaled to ${info.width}x${info.height}` : '';
    return `${info.captureWidth}x${info.captureHeight}${scaled} at ${Math.round(info.fps * 100) / 100} fps`;
  }

  /** Realtime file pacing: frame n is due n/fps after the first. False when closed while waiting. */
  private async waitForFileSchedule(): Promise<boolean> {
    if (this.spec.kind !== 'file' || this.settings.pacing === 'fast') return true;
    const now = performance.now();
    if (this.fileReads === 0) this.pacingStart = now;
    const due = this.pacingStart + (this.fileReads * 1000) / (this.currentInfo?.fps ?? FALLBACK_FPS);
    return due > now ? this.pause(due - now) : true;
  }

  /** Waits, cut short by close(); false when closed. */
  private async pause(ms: number): Promise<boolean> {
    if (this.closing !== null) return false;
    // Rejects with an AbortError when close() aborts the signal: that is the interruption we want.
    await sleep(ms, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
    return this.closing === null;
  }

  private setState(state: SourceState, detail: string): void {
    // 'reconnecting' repeats on purpose: each attempt is news to whoever watches the source.
    if (state === this.currentState && state !== 'reconnecting') return;
    this.currentState = state;
    this.options.onStatus?.({ type: 'status', state, source: this.name, detail, at: new Date() });
  }

  private releaseCapture(): void {
    this.capture?.release();
    this.capture = null;
    this.currentInfo = null;
  }

  /**
   * Stops the source: interrupts pacing and backoff waits, lets a read already running on the
   * thread pool finish (OpenCV cannot abandon it), then releases the capture. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopSignal.abort();
      await this.inFlight?.catch(() => undefined);
      this.releaseCapture();
      this.setState('ended', 'stopped');
    })();
    return this.closing;
  }
}

async function replaced(old: Mat, next: Promise<Mat>): Promise<Mat> {
  const result = await next;
  old.release();
  return result;
}

function cannotOpenReason(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'device':
      return `cannot open camera ${spec.index} (not connected, or in use by another program)`;
    case 'file':
      return 'OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)';
    case 'stream':
      return 'the server accepted the connection but OpenCV found no video it can decode';
  }
}

/** Resolves null when the stream's host accepts a TCP connection, else why not. */
function probeStreamHost(url: URL, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (STREAM_DEFAULT_PORTS[url.protocol] ?? 80) : Number(url.port);
  return new Promise((answer) => {
    const socket = connect({ host, port });
    const finish = (outcome: string | null): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      answer(outcome);
    };
    const onAbort = (): void => finish('closed');
    const timer = setTimeout(() => finish(`${host}:${port} did not answer within ${seconds(timeoutMs)}`), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(null));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(`cannot connect to ${host}:${port} (${error.code ?? error.message})`),
    );
  });
}

/** The options with their defaults, or a clear error naming the first bad one. */
function checkedSettings(name: string, options: VideoSourceOptions): Settings {
  const settings: Settings = {
    maxWidth: options.maxWidth ?? DEFAULT_VIDEO_SOURCE_SETTINGS.maxWidth,
    pacing: options.pacing ?? DEFAULT_VIDEO_SOURCE_SETTINGS.pacing,
    reconnectDelayMs: options.reconnectDelayMs ?? DEFAULT_VIDEO_SOURCE_SETTINGS.reconnectDelayMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? DEFAULT_VIDEO_SOURCE_SETTINGS.maxReconnectDelayMs,
    maxReconnectAttempts: options.maxReconnectAttempts ?? DEFAULT_VIDEO_SOURCE_SETTINGS.maxReconnectAttempts,
    lostAfterFailedReads: options.lostAfterFailedReads ?? DEFAULT_VIDEO_SOURCE_SETTINGS.lostAfterFailedReads,
    failedReadPauseMs: options.failedReadPauseMs ?? DEFAULT_VIDEO_SOURCE_SETTINGS.failedReadPauseMs,
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_VIDEO_SOURCE_SETTINGS.stallTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_VIDEO_SOURCE_SETTINGS.connectTimeoutMs,
  };
  const refuse = (problem: string): never => {
    throw new VideoSourceError('invalid-option', name, problem);
  };
  const integers: [string, number | undefined, number][] = [
    ['width', options.width, 1],
    ['height', options.height, 1],
    ['maxWidth', settings.maxWidth, 0],
    ['lostAfterFailedReads', settings.lostAfterFailedReads, 1],
  ];
  for (const [key, value, min] of integers) {
    if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
      refuse(`${key} must be an integer >= ${min}, got ${value}`);
    }
  }
  const durations: [string, number | undefined, number][] = [
    ['fps', options.fps, Number.MIN_VALUE],
    ['reconnectDelayMs', settings.reconnectDelayMs, Number.MIN_VALUE],
    ['maxReconnectDelayMs', settings.maxReconnectDelayMs, Number.MIN_VALUE],
    ['failedReadPauseMs', settings.failedReadPauseMs, 0],
    ['stallTimeoutMs', settings.stallTimeoutMs, Number.MIN_VALUE],
    ['connectTimeoutMs', settings.connectTimeoutMs, Number.MIN_VALUE],
  ];
  for (const [key, value, min] of durations) {
    if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
      refuse(`${key} must be a finite number ${min === 0 ? '>= 0' : '> 0'}, got ${value}`);
    }
  }
  const attempts = settings.maxReconnectAttempts;
  if (!(attempts === Number.POSITIVE_INFINITY || (Number.isInteger(attempts) && attempts >= 0))) {
    refuse(`maxReconnectAttempts must be an integer >= 0 or Infinity, got ${attempts}`);
  }
  if (settings.pacing !== 'realtime' && settings.pacing !== 'fast') {
    refuse(`pacing must be 'realtime' or 'fast', got ${String(settings.pacing)}`);
  }
  return settings;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}
