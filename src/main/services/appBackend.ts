import {
  OPEN_CHANNELS,
  type AppSettings,
  type CameraInfo,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type LiveFace,
  type LiveStatus,
  type PushEvent,
  type SettingKey,
  type SettingsResponse,
} from '../../shared/ipc.js';
import { parseInvokeRequest } from '../../shared/ipcSchemas.js';
import { describeApp } from '../appInfo.js';
import type { EngineConfig } from '../engine/config.js';
import { DESCRIPTOR_LENGTH } from '../engine/embed/embedStage.js';
import { FaceEngine } from '../engine/faceEngine.js';
import type { Box } from '../engine/geometry.js';
import type { FrameEvent, LiveEvent, SourceStatusEvent } from '../engine/live/events.js';
import { openStore } from '../engine/store/index.js';
import { AdminAuth } from './adminAuth.js';
import { AttendanceQueries } from './attendanceQueries.js';
import { calibrate } from './calibration.js';
import { computeEmbeddingMap } from './embeddingMap.js';
import { EnrolCapture, type BgrFrame } from './enrolCapture.js';
import { kioskAttendance } from './liveAttendance.js';
import { jpegDataUrl, PeopleService } from './people.js';
import {
  ADMIN_IDLE_MINUTES,
  createSettingsService,
  DEFAULT_APP_SETTINGS,
  RESTART_REQUIRED_KEYS,
  type SettingsService,
} from './settings.js';

/**
 * Everything behind the IPC contract, transport agnostic: Electron's ipcMain (src/main/ipc) and
 * the e2e test bridge (test/e2e/bridge.ts) both call `invoke` and forward `onPush` events. Owns
 * the engine and the services; the live camera is plugged in as a LiveSource.
 */

/** A preview of one live frame: JPEG bytes at the size the kiosk shows (e.g. 640x480, quality 70). */
export interface FramePreview {
  readonly jpeg: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The live loop as the backend needs it (the Electron main process adapts its LiveLoop to this). */
export interface LiveSource {
  /** Opens `source` (a camera index "0", a video file, a stream URL) and runs on it, replacing what ran before. */
  start(source: string): Promise<void>;
  /** Stops capturing; resolves when the camera is released. */
  stop(): Promise<void>;
  /** The newest status event; null before the first start. */
  status(): SourceStatusEvent | null;
  /** The newest captured frame's pixels, for an enrolment shot; null when none has arrived. */
  currentFrame(): BgrFrame | null;
  /** The cameras this machine offers. */
  listCameras(): Promise<CameraInfo[]>;
  /**
   * Every live event. A frame event comes with a way to encode its JPEG preview, called only for
   * the frames that are sent, so a frame the renderer has no time for is never encoded. Face
   * boxes stay in the frame's pixels; the backend scales them to the preview's.
   */
  subscribe(listener: (event: LiveEvent, preview: (() => Promise<FramePreview>) | null) => void): () => void;
}

/** The native dialogs: Electron's in the app, prepared answers in the e2e bridge. */
export interface Dialogs {
  saveCsv(defaultName: string): Promise<string | null>;
  openImages(): Promise<string[]>;
  openFolder(): Promise<string | null>;
}

export interface AppBackendOptions {
  readonly modelsDir: string;
  readonly dbPath: string;
  /** The app's version, for 'app:get-info'. */
  readonly version: string;
  readonly dialogs: Dialogs;
  /** Engine settings other than those in the settings table (e.g. worker threads). */
  readonly engineConfig?: Partial<EngineConfig>;
  /** The clock, epoch ms (tests pass their own). */
  readonly now?: () => number;
  /** Where live-loop failures it survives are reported (they have no push channel). */
  readonly warn?: (message: string) => void;
}

type Handlers = { readonly [C in InvokeChannel]: (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> };

/** Without an acknowledgement ('live:frame-shown') for this long, the next frame is sent anyway. */
export const FRAME_ACK_TIMEOUT_MS = 1000;
/** A calibrated threshold is stored to the decimals the admin screens show it with. */
const THRESHOLD_DECIMALS = 3;
/** Retention pruning runs at start and then this often. */
const PRUNE_INTERVAL_MS = 6 * 60 * 60_000;

const openChannels = new Set<InvokeChannel>(OPEN_CHANNELS);

export class AppBackend {
  readonly people: PeopleService;
  readonly attendance: AttendanceQueries;
  readonly settings: SettingsService;
  readonly auth: AdminAuth;
  private readonly capture: EnrolCapture;
  private readonly handlers: Handlers;
  private readonly pushListeners = new Set<(event: PushEvent) => void>();
  private readonly now: () => number;
  /** The settings the running engine and window were started with. */
  private readonly startup: AppSettings;
  private readonly pruneTimer: NodeJS.Timeout;
  private live: { source: LiveSource; unsubscribe: () => void } | null = null;
  private frames = { sent: 0, acknowledged: 0, sentAt: 0 };
  /**
   * Moves on at every source status and whenever the source is attached, detached or replaced: a
   * preview still being encoded from an earlier generation is stale (the picture it would draw
   * has ended or been replaced) and is dropped instead of sent.
   */
  private liveGeneration = 0;
  /** The faces of the newest frame, in frame pixels, and how the previews are scaled from them. */
  private liveTracks = new Map<number, Box>();
  private previewScale = { x: 1, y: 1 };
  private metricsWindow = { timings: new Map<string, { sum: number; count: number }>(), firstIndex: -1, lastIndex: -1 };

  private constructor(
    readonly engine: FaceEngine,
    private readonly options: AppBackendOptions,
  ) {
    this.now = options.now ?? Date.now;
    const store = engine.store;
    this.settings = createSettingsService(store);
    this.startup = this.settings.get();
    this.people = new PeopleService(engine);
    this.attendance = new AttendanceQueries(store, this.now);
    this.auth = new AdminAuth(store, { now: this.now, idleMinutes: () => store.settings.get(ADMIN_IDLE_MINUTES) });
    this.capture = new EnrolCapture(engine, this.people, () => this.live?.source.currentFrame() ?? null);
    this.handlers = this.createHandlers();
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  /** Opens the engine with the detector and threshold from the settings table. */
  static async open(options: AppBackendOptions): Promise<AppBackend> {
    const store = openStore(options.dbPath, { actor: 'admin' });
    let stored;
    try {
      stored = createSettingsService(store).get();
    } finally {
      store.close();
    }
    const engine = await FaceEngine.open({
      modelsDir: options.modelsDir,
      dbPath: options.dbPath,
      actor: 'admin',
      config: { ...options.engineConfig, detector: stored.detector, matchThreshold: stored.matchThreshold },
    });
    return new AppBackend(engine, options);
  }

  /**
   * Validates `raw` with the channel's zod schema, checks the admin is unlocked for an admin
   * channel, and runs the handler: what a transport that carries untrusted payloads calls.
   */
  invoke<C extends InvokeChannel>(channel: C, raw: unknown): Promise<InvokeResponse<C>> {
    try {
      return this.call(channel, parseInvokeRequest(channel, raw));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Runs a request that is already validated (Electron's `handle` parsed it); admin channels need the admin unlocked. */
  call<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    try {
      if (!openChannels.has(channel)) this.auth.requireUnlocked();
      const handler = this.handlers[channel] as (request: InvokeRequest<C>) => Promise<InvokeResponse<C>>;
      return handler(request);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Every push event until the returned function is called. */
  onPush(listener: (event: PushEvent) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  /** Plugs in the live loop and starts it on the configured camera source. */
  async attachLive(source: LiveSource): Promise<void> {
    await this.detachLive();
    this.liveGeneration++;
    this.live = { source, unsubscribe: source.subscribe((event, encode) => this.forwardLive(event, encode)) };
    await source.start(this.settings.get().cameraSource);
  }

  async detachLive(): Promise<void> {
    const live = this.live;
    this.live = null;
    if (!live) return;
    this.liveGeneration++;
    live.unsubscribe();
    await live.source.stop();
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.detachLive();
    await this.engine.close();
  }

  private emit(event: PushEvent): void {
    for (const listener of this.pushListeners) listener(event);
  }

  private prune(): void {
    try {
      this.attendance.prune();
    } catch (error) {
      this.warn(`attendance retention: ${(error as Error).message}`);
    }
  }

  private warn(message: string): void {
    (this.options.warn ?? console.warn)(message);
  }

  private settingsResponse(): SettingsResponse {
    const values = this.settings.get();
    const restartRequired = RESTART_REQUIRED_KEYS.filter((key: SettingKey) => values[key] !== this.startup[key]);
    return { values, defaults: DEFAULT_APP_SETTINGS, restartRequired };
  }

  /** Stores settings and applies at once what can be: the threshold, the camera. */
  private async applySettings(patch: Partial<AppSettings>): Promise<SettingsResponse> {
    const before = this.settings.get();
    const after = this.settings.set(patch);
    if (after.matchThreshold !== before.matchThreshold) this.engine.setMatchThreshold(after.matchThreshold);
    if (after.cameraSource !== before.cameraSource && this.live) {
      this.liveGeneration++;
      await this.live.source.start(after.cameraSource);
    }
    return this.settingsResponse();
  }

  private liveStatus(): LiveStatus {
    const status = this.live?.source.status() ?? null;
    if (!status) {
      return {
        state: 'stopped',
        source: this.settings.get().cameraSource,
        detail: this.live ? null : 'no camera is connected to the app',
        at: this.now(),
      };
    }
    return { state: status.state, source: status.source, detail: status.detail ?? null, at: status.at.getTime() };
  }

  private galleryEntries() {
    return this.engine.store.templates.loadGallery({ modelId: this.engine.modelId, dimension: DESCRIPTOR_LENGTH })
      .entries;
  }

  private createHandlers(): Handlers {
    const store = this.engine.store;
    return {
      'app:get-info': async () => describeApp(this.options.version, this.options.modelsDir),

      'people:list': async (request) => this.people.list(request ?? {}),
      'people:enrol-files': async ({ operationId, ...request }) =>
        this.people.enrolFiles(request, (progress) => {
          if (operationId)
            this.emit({ channel: 'progress', payload: { operationId, ...progress, file: progress.result.file } });
        }),
      'people:import-folder': async ({ folder, force, operationId }) => ({
        operationId,
        ...(await this.people.importFolder(folder, {
          force: force ?? false,
          onProgress: (progress) =>
            this.emit({ channel: 'progress', payload: { operationId, ...progress, file: progress.result.file } }),
        })),
      }),
      'people:rename': async ({ personId, name }) => this.people.rename(personId, name),
      'people:remove': async ({ personId }) => this.people.remove(personId),

      'enrol-capture:start': async (request) => this.capture.start(request),
      'enrol-capture:shot': ({ sessionId, prompt }) => this.capture.shot(sessionId, prompt),
      'enrol-capture:finish': ({ sessionId, save }) => this.capture.finish(sessionId, save),

      'attendance:query': async (request) => ({ events: this.attendance.query(request) }),
      'attendance:summary': async (request) => this.attendance.summary(request),
      'attendance:export': async (request) => this.attendance.export(request),
      'attendance:prune': async (request) => this.attendance.prune(request?.olderThanDays),

      'dialog:save-csv': async ({ defaultName }) => ({ path: await this.options.dialogs.saveCsv(defaultName) }),
      'dialog:open-images': async () => ({ paths: await this.options.dialogs.openImages() }),
      'dialog:open-folder': async () => ({ path: await this.options.dialogs.openFolder() }),

      'settings:get': async () => this.settingsResponse(),
      'settings:set': (patch) => this.applySettings(patch),

      'cameras:list': async () => ({
        cameras: (await this.live?.source.listCameras()) ?? [],
        selected: this.settings.get().cameraSource,
      }),
      'cameras:select': async ({ id }) => {
        await this.applySettings({ cameraSource: id });
        return { cameras: (await this.live?.source.listCameras()) ?? [], selected: this.settings.get().cameraSource };
      },

      'live:get-status': async () => this.liveStatus(),
      'live:frame-shown': async ({ sequence }) => {
        this.frames.acknowledged = Math.max(this.frames.acknowledged, Math.min(sequence, this.frames.sent));
        return null;
      },

      'admin:get-state': async () => this.auth.state(),
      'admin:set-pin': ({ pin }) => this.auth.setPin(pin),
      'admin:unlock': ({ pin }) => this.auth.unlock(pin),
      'admin:lock': async () => this.auth.lock(),
      'admin:change-pin': ({ currentPin, newPin }) => this.auth.changePin(currentPin, newPin),

      'calibration:compute': async (request) =>
        calibrate(this.galleryEntries(), {
          ...(request?.targetFar === undefined ? {} : { targetFar: request.targetFar }),
          currentThreshold: this.engine.config.matchThreshold,
        }),
      'calibration:apply': ({ threshold }) => {
        // The report's thresholds are raw pair distances (0.5708663731031314); the setting is shown and kept as 0.571.
        const rounded = Number(threshold.toFixed(THRESHOLD_DECIMALS));
        store.audit.append('calibration.apply', { threshold: rounded });
        return this.applySettings({ matchThreshold: rounded });
      },

      'embedding-map:compute': (request) =>
        computeEmbeddingMap(this.galleryEntries(), {
          ...(request?.seed === undefined ? {} : { seed: request.seed }),
          threshold: this.engine.config.matchThreshold,
        }),
    };
  }

  /** Live loop events → push channels; frames only when the renderer has shown the previous one. */
  private forwardLive(event: LiveEvent, encodePreview: (() => Promise<FramePreview>) | null): void {
    switch (event.type) {
      case 'frame': {
        this.liveTracks = new Map(event.faces.map((face) => [face.trackId, face.box]));
        this.collectTimings(event.index, event.timings);
        const now = this.now();
        const waiting = this.frames.acknowledged < this.frames.sent && now - this.frames.sentAt < FRAME_ACK_TIMEOUT_MS;
        // A frame the loop finishes after its source ended or was lost belongs to a picture already taken down.
        const delivering = (this.live?.source.status()?.state ?? 'ok') === 'ok';
        if (!encodePreview || waiting || !delivering) return;
        // Counted as sent at once, so the frames that arrive while this one is encoded are dropped.
        this.frames = { ...this.frames, sent: this.frames.sent + 1, sentAt: now };
        const sequence = this.frames.sent;
        const generation = this.liveGeneration;
        encodePreview().then(
          (preview) => {
            if (generation === this.liveGeneration) this.sendFrame(event, sequence, preview);
            else this.frameNotShown(sequence);
          },
          (error: unknown) => {
            this.frameNotShown(sequence);
            this.warn(`live preview: ${(error as Error).message}`);
          },
        );
        return;
      }
      case 'identified':
        this.emit({
          channel: 'live:identified',
          payload: {
            trackId: event.trackId,
            personId: event.person.id,
            name: event.person.name,
            distance: event.distance,
            at: event.at.getTime(),
          },
        });
        return;
      case 'unknown': {
        const box = this.liveTracks.get(event.trackId);
        this.emit({
          channel: 'live:unknown',
          payload: {
            trackId: event.trackId,
            box: box ? scaleBox(box, this.previewScale.x, this.previewScale.y) : null,
            at: event.at.getTime(),
          },
        });
        return;
      }
      case 'attendance':
        this.emit({ channel: 'live:attendance', payload: kioskAttendance(event, this.engine.store) });
        return;
      case 'status':
        this.liveGeneration++;
        if (event.state !== 'ok') this.liveTracks.clear();
        this.emit({
          channel: 'live:status',
          payload: { state: event.state, source: event.source, detail: event.detail ?? null, at: event.at.getTime() },
        });
        return;
      case 'metrics': {
        const { timings, firstIndex, lastIndex } = this.metricsWindow;
        const captured = firstIndex < 0 ? 0 : lastIndex - firstIndex;
        this.emit({
          channel: 'live:metrics',
          payload: {
            at: event.at.getTime(),
            captureFps: event.intervalMs > 0 ? (captured * 1000) / event.intervalMs : 0,
            processedFps: event.fps,
            droppedFrames: event.framesDropped,
            timingsMs: Object.fromEntries([...timings].map(([stage, { sum, count }]) => [stage, sum / count])),
            latencyMs: event.latencyMs,
            eventLoopDelayP99Ms: event.eventLoopDelayP99Ms,
            rssMb: event.rssMb,
          },
        });
        this.metricsWindow = { timings: new Map(), firstIndex: lastIndex, lastIndex };
        return;
      }
      case 'error':
        this.warn(`live loop: ${event.message}`);
        return;
    }
  }

  /** Nothing will acknowledge a frame that was not sent: let the next one through at once. */
  private frameNotShown(sequence: number): void {
    this.frames = { ...this.frames, acknowledged: Math.max(this.frames.acknowledged, sequence) };
  }

  private sendFrame(event: FrameEvent, sequence: number, preview: FramePreview): void {
    const scaleX = preview.width / event.width;
    const scaleY = preview.height / event.height;
    this.previewScale = { x: scaleX, y: scaleY };
    const faces = event.faces.map(
      (face): LiveFace => ({
        box: scaleBox(face.box, scaleX, scaleY),
        trackId: face.trackId,
        personId: face.personId,
        name: face.name,
        distance: face.distance,
        landmarks: face.landmarks.map((point) => ({ x: point.x * scaleX, y: point.y * scaleY })),
      }),
    );
    this.emit({
      channel: 'live:frame',
      payload: {
        sequence,
        capturedAt: event.at.getTime(),
        jpeg: jpegDataUrl(preview.jpeg),
        width: preview.width,
        height: preview.height,
        faces,
        timingsMs: definedTimings(event.timings),
      },
    });
  }

  private collectTimings(index: number, frameTimings: Readonly<Record<string, number | undefined>>): void {
    const window = this.metricsWindow;
    if (window.firstIndex < 0) window.firstIndex = index;
    window.lastIndex = index;
    for (const [stage, ms] of Object.entries(definedTimings(frameTimings))) {
      const entry = window.timings.get(stage) ?? { sum: 0, count: 0 };
      window.timings.set(stage, { sum: entry.sum + ms, count: entry.count + 1 });
    }
  }
}

function scaleBox(box: Box, scaleX: number, scaleY: number): Box {
  return { x: box.x * scaleX, y: box.y * scaleY, width: box.width * scaleX, height: box.height * scaleY };
}

function definedTimings(timings: Readonly<Record<string, number | undefined>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(timings).filter((entry): entry is [string, number] => entry[1] !== undefined),
  );
}
