import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CameraInfo } from '../../shared/ipc.js';
import cv from '../engine/cv.js';
import type { FaceEngine } from '../engine/faceEngine.js';
import type { LiveEvent, SourceStatusEvent } from '../engine/live/events.js';
import type { LiveConfigInput } from '../engine/live/liveConfig.js';
import { LiveLoop } from '../engine/live/liveLoop.js';
import { describeSource, parseSource, type VideoSourceOptions } from '../engine/live/videoSource.js';
import type { FramePreview, LiveSource } from './appBackend.js';
import type { BgrFrame } from './enrolCapture.js';

/** The kiosk's preview: wide enough for a full-screen canvas, small enough for 30 frames a second over IPC. */
const PREVIEW_MAX_WIDTH = 640;
const PREVIEW_JPEG_QUALITY = 70;
/** Where Linux lists its V4L2 video devices, each with a human-readable name. */
const V4L2_CLASS_DIR = '/sys/class/video4linux';

export interface LiveLoopSourceOptions {
  readonly sourceOptions?: Omit<VideoSourceOptions, 'onStatus'>;
  readonly config?: LiveConfigInput;
}

type Listener = Parameters<LiveSource['subscribe']>[0];

/**
 * The backend's LiveSource on the engine's LiveLoop: one loop at a time, restarted on a new
 * source. A source that cannot be opened becomes an 'ended' status with the reason, never a
 * thrown error, so the kiosk shows a banner instead of failing to start.
 */
export class LiveLoopSource implements LiveSource {
  private loop: LiveLoop | null = null;
  private unsubscribeLoop: (() => void) | null = null;
  private lastStatus: SourceStatusEvent | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly engine: FaceEngine,
    private readonly options: LiveLoopSourceOptions = {},
  ) {}

  async start(source: string): Promise<void> {
    await this.stop();
    let loop: LiveLoop;
    try {
      const spec = parseSource(source);
      loop = new LiveLoop(this.engine, {
        source: spec,
        ...(this.options.sourceOptions ? { sourceOptions: this.options.sourceOptions } : {}),
        ...(this.options.config ? { config: this.options.config } : {}),
      });
    } catch (error) {
      this.report({ source, detail: (error as Error).message });
      return;
    }
    this.loop = loop;
    this.unsubscribeLoop = loop.on((event) => this.forward(loop, event));
    try {
      await loop.start();
    } catch (error) {
      this.report({ source, detail: (error as Error).message });
      return;
    }
    // A loop that fails outright (not a frame: those are error events) must not leave the kiosk frozen.
    loop.done().catch((error: unknown) => {
      if (this.loop === loop) this.report({ source, detail: `the live loop stopped: ${(error as Error).message}` });
    });
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    if (!loop) return;
    await loop.stop().catch(() => undefined);
    this.unsubscribeLoop?.();
    this.unsubscribeLoop = null;
  }

  status(): SourceStatusEvent | null {
    return this.lastStatus;
  }

  currentFrame(): BgrFrame | null {
    return this.loop?.latestFrame()?.image ?? null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Linux: the V4L2 capture devices by name; elsewhere the first camera (OpenCV cannot list them). */
  async listCameras(): Promise<CameraInfo[]> {
    if (process.platform !== 'linux') return [{ id: '0', label: 'Camera 0', kind: 'device' }];
    const entries = await readdir(V4L2_CLASS_DIR).catch(() => [] as string[]);
    const cameras: CameraInfo[] = [];
    for (const entry of entries.sort()) {
      const index = /^video(\d+)$/.exec(entry)?.[1];
      if (index === undefined) continue;
      // Each camera also has metadata nodes; only index 0 of a device captures pictures.
      const deviceIndex = await readFile(join(V4L2_CLASS_DIR, entry, 'index'), 'utf8').catch(() => '0');
      if (deviceIndex.trim() !== '0') continue;
      const name = (await readFile(join(V4L2_CLASS_DIR, entry, 'name'), 'utf8').catch(() => '')).trim();
      cameras.push({ id: index, label: name ? `${name} (camera ${index})` : `Camera ${index}`, kind: 'device' });
    }
    return cameras;
  }

  private forward(loop: LiveLoop, event: LiveEvent): void {
    if (event.type === 'status') this.lastStatus = event;
    const preview = event.type === 'frame' ? () => this.encodePreview(loop) : null;
    for (const listener of this.listeners) listener(event, preview);
  }

  private report({ source, detail }: { source: string; detail: string }): void {
    let name = source;
    try {
      name = describeSource(parseSource(source));
    } catch {
      // An unparseable source is shown as given.
    }
    const event: SourceStatusEvent = { type: 'status', state: 'ended', source: name, detail, at: new Date() };
    this.lastStatus = event;
    for (const listener of this.listeners) listener(event, null);
  }

  /** The newest frame as a JPEG at most PREVIEW_MAX_WIDTH wide (OpenCV's async calls: off the event loop). */
  private async encodePreview(loop: LiveLoop): Promise<FramePreview> {
    const latest = loop.latestFrame();
    if (!latest) throw new Error('no frame has been processed yet');
    const { width, height, data } = latest.image;
    const frame = new cv.Mat(Buffer.from(data.buffer, data.byteOffset, data.byteLength), height, width, cv.CV_8UC3);
    const scale = Math.min(1, PREVIEW_MAX_WIDTH / width);
    const preview =
      scale < 1
        ? await frame.resizeAsync(Math.round(height * scale), Math.round(width * scale), 0, 0, cv.INTER_AREA)
        : frame;
    const jpeg = await cv.imencodeAsync('.jpg', preview, [cv.IMWRITE_JPEG_QUALITY, PREVIEW_JPEG_QUALITY]);
    return { jpeg: new Uint8Array(jpeg), width: preview.cols, height: preview.rows };
  }
}
