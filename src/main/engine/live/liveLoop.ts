import type { ImageInput } from '../analyser/faceAnalyser.js';
import { createAttendanceService, type AttendanceService } from '../attendance/attendanceService.js';
import type { FaceEngine } from '../faceEngine.js';
import type { Box, Point } from '../geometry.js';
import type { NearestResult } from '../match/match.js';
import type { AnalysedFace } from '../pipeline.js';
import { assessEnrolmentQuality, type QualityVerdict } from '../quality/faceQuality.js';
import { StoreError } from '../store/index.js';
import type {
  AttendanceLiveEvent,
  FaceDecision,
  FrameFace,
  FrameTimings,
  LiveEvent,
  SourceStatusEvent,
} from './events.js';
import { FrameScheduler, type SchedulerStats } from './frameScheduler.js';
import { IdentityVoter, type IdentityReport } from './identityVote.js';
import { parseLiveConfig, type LiveConfig, type LiveConfigInput } from './liveConfig.js';
import { LiveMetrics } from './liveMetrics.js';
import { FaceTracker, type FaceObservation, type TrackerFrame } from './tracker.js';
import { VideoSource, type CapturedFrame, type SourceSpec, type VideoSourceOptions } from './videoSource.js';

/**
 * The live loop: video source → latest-frame scheduler → face analyser → tracker → identity vote
 * (behind the quality gate) → attendance rules → events. The CLI's `clockface run` and the kiosk's
 * main process run this same code.
 *
 * Detection runs on every `detectEvery`-th processed frame; the frames between report the tracks'
 * predicted boxes. Descriptors are computed only on detection frames where some track still wants
 * one (undecided, due for its re-check, or a face not yet tracked), and matched on this thread.
 * A track's decision is announced once (`identified` or `unknown`), and an identification is
 * handed to the attendance service, which commits a check-in or check-out before the `attendance`
 * event says so.
 */

/** What the loop needs of the engine: its analyser, its matcher and its store. */
export type LiveEngine = Pick<FaceEngine, 'analyser' | 'match' | 'store'>;

export interface LiveLoopOptions {
  readonly source: SourceSpec;
  readonly sourceOptions?: Omit<VideoSourceOptions, 'onStatus'>;
  readonly config?: LiveConfigInput;
  /** Default: the attendance rules on the engine's store, with the settings stored there. */
  readonly attendance?: AttendanceService;
  /** Stop after this many processed frames (a bounded run); default: until the source ends or stop(). */
  readonly maxFrames?: number;
}

export type LiveListener = (event: LiveEvent) => void;

/** What a finished run did. */
export interface LiveSummary {
  /** Frames read from the source, processed by the loop, dropped for a newer one, and skipped as corrupt. */
  readonly framesCaptured: number;
  readonly framesProcessed: number;
  readonly framesDropped: number;
  readonly corruptFrames: number;
  /** Frames on which detection ran. */
  readonly detections: number;
  readonly reconnects: number;
  readonly tracks: number;
  /** Everyone a track was identified as, in order of first identification. */
  readonly identifiedPeople: readonly { readonly id: number; readonly name: string }[];
  /** Every attendance announcement, check-ins and check-outs (committed) and "already" answers. */
  readonly attendance: readonly AttendanceLiveEvent[];
  readonly unknownTracks: number;
  /** Recognitions whose attendance could not be recorded (see the `error` events). */
  readonly attendanceErrors: number;
  /** The source's last status (for a file: how it ended). */
  readonly lastStatus: SourceStatusEvent | null;
  readonly durationMs: number;
}

/** A frame's pixels as the analyser takes them: 8-bit BGR, row-major, 3 channels. */
export type BgrImage = Extract<ImageInput, { kind: 'bgr' }>;

/** The newest processed frame: for guided enrolment and preview images. */
export interface LatestFrame {
  readonly index: number;
  /** Pass it to `analyser.analyse` as it is. */
  readonly image: BgrImage;
  readonly faces: readonly FrameFace[];
  /** performance.now() when the frame was captured. */
  readonly capturedAt: number;
}

/** What the loop remembers of a live track between frames. */
interface TrackInfo {
  box: Box;
  landmarks: readonly Point[];
  qualityOk: boolean;
  decision: FaceDecision;
  person: { readonly id: number; readonly name: string } | null;
  distance: number | null;
}

export class LiveLoop {
  readonly config: LiveConfig;
  private readonly listeners = new Set<LiveListener>();
  private readonly tracker = new FaceTracker();
  private readonly voter: IdentityVoter<string>;
  private readonly attendance: AttendanceService;
  private readonly metrics = new LiveMetrics();
  private readonly tracks = new Map<number, TrackInfo>();
  private readonly reportedUnknown = new Set<number>();
  private started = false;
  private stopRequested = false;
  private scheduler: FrameScheduler | null = null;
  private metricsTimer: NodeJS.Timeout | undefined;
  private latest: LatestFrame | null = null;
  /** The match the voter made for the face being observed, if it made one. */
  private lastMatch: NearestResult | null = null;
  private readonly finished: Promise<LiveSummary>;
  private finish!: (outcome: { summary: LiveSummary } | { error: unknown }) => void;
  private readonly startedAt = performance.now();
  private processed = 0;
  private detections = 0;
  private tracksStarted = 0;
  private lastStatus: SourceStatusEvent | null = null;
  private readonly identifiedPeople = new Map<number, { id: number; name: string }>();
  private readonly announcements: AttendanceLiveEvent[] = [];
  private attendanceErrors = 0;

  constructor(
    private readonly engine: LiveEngine,
    private readonly options: LiveLoopOptions,
  ) {
    this.config = parseLiveConfig(options.config);
    const { maxFrames } = options;
    if (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames >= 1)) {
      throw new RangeError(`maxFrames must be a whole number of at least 1, got ${maxFrames}`);
    }
    this.voter = new IdentityVoter<string>(
      (descriptor) => {
        const match = this.engine.match(descriptor);
        this.lastMatch = match;
        return match;
      },
      {
        windowSize: this.config.voteWindow,
        requiredVotes: this.config.votesRequired,
        minMargin: this.config.voteMargin,
        recheckMs: this.config.recheckMs,
      },
    );
    this.attendance = options.attendance ?? createAttendanceService(engine.store);
    this.finished = new Promise((resolve, reject) => {
      this.finish = (outcome) => ('summary' in outcome ? resolve(outcome.summary) : reject(outcome.error));
    });
    // A run that fails is reported by done() and stop(); nobody has to be waiting for it.
    this.finished.catch(() => undefined);
  }

  /** Calls `listener` with every event from now on, on the loop's thread; returns the unsubscribe. */
  on(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The events from now on as an async iterator, ending when the loop finishes. It buffers what
   * its reader has not taken yet: read it steadily (or use `on`) when frame events are many.
   */
  events(): AsyncIterableIterator<LiveEvent> {
    const queue: LiveEvent[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    const unsubscribe = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    const end = () => {
      ended = true;
      unsubscribe();
      wake?.();
    };
    void this.finished.then(end, end);
    const iterator: AsyncIterableIterator<LiveEvent> = {
      next: async () => {
        while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
        const event = queue.shift();
        return event === undefined ? { done: true, value: undefined } : { done: false, value: event };
      },
      return: async () => {
        end();
        queue.length = 0;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Opens the source and starts the loop; resolves once frames are being read. A file that cannot
   * be read rejects with its VideoSourceError (nothing runs); a camera or stream that cannot be
   * opened yet is reported 'lost' and retried. Call once.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('LiveLoop.start() may be called only once');
    if (this.stopRequested) throw new Error('LiveLoop.start() after stop(): the loop is over');
    this.started = true;
    let source: VideoSource;
    try {
      source = await VideoSource.open(this.options.source, {
        ...this.options.sourceOptions,
        onStatus: (event) => {
          this.lastStatus = event;
          this.emit(event);
        },
      });
    } catch (error) {
      this.finish({ error });
      throw error;
    }
    const scheduler = new FrameScheduler(source, this.config.delivery);
    this.scheduler = scheduler;
    this.metrics.start();
    if (this.config.metricsIntervalMs > 0) {
      this.metricsTimer = setInterval(
        () => this.emit(this.metrics.take(scheduler.stats)),
        this.config.metricsIntervalMs,
      );
    }
    const running = scheduler.run((frame) => this.process(frame));
    if (this.stopRequested) void scheduler.stop();
    running.then(
      () => this.end({ summary: this.summary(scheduler.stats) }),
      (error: unknown) => this.end({ error }),
    );
  }

  /** Resolves with the summary when the loop has finished: the source ended, maxFrames, or stop(). */
  done(): Promise<LiveSummary> {
    return this.finished;
  }

  /**
   * Stops cleanly: no new frame is started, the frame in hand is finished (its attendance
   * committed and announced), the source is released. Resolves with the run's summary; safe to
   * call more than once, and before or during start().
   */
  async stop(): Promise<LiveSummary> {
    if (!this.started && !this.stopRequested) {
      this.finish({ summary: this.summary({ captured: 0, processed: 0, dropped: 0, corrupt: 0, reconnects: 0 }) });
    }
    this.stopRequested = true;
    await this.scheduler?.stop();
    return this.finished;
  }

  /** The newest processed frame's pixels and faces; null before the first. */
  latestFrame(): LatestFrame | null {
    return this.latest;
  }

  private emit(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private end(outcome: { summary: LiveSummary } | { error: unknown }): void {
    clearInterval(this.metricsTimer);
    this.metrics.stop();
    this.finish(outcome);
  }

  private summary(stats: SchedulerStats): LiveSummary {
    return {
      framesCaptured: stats.captured,
      framesProcessed: stats.processed,
      framesDropped: stats.dropped,
      corruptFrames: stats.corrupt,
      detections: this.detections,
      reconnects: stats.reconnects,
      tracks: this.tracksStarted,
      identifiedPeople: [...this.identifiedPeople.values()],
      attendance: [...this.announcements],
      unknownTracks: this.reportedUnknown.size,
      attendanceErrors: this.attendanceErrors,
      lastStatus: this.lastStatus,
      durationMs: performance.now() - this.startedAt,
    };
  }

  private async process(frame: CapturedFrame): Promise<void> {
    const { width, height, index, capturedAt } = frame;
    let data: Uint8Array;
    try {
      data = frame.bgr.getData();
    } finally {
      // The pixels are copied out: free the ~1 MB Mat now rather than when the GC gets to it.
      frame.bgr.release();
    }
    const image: BgrImage = { kind: 'bgr', width, height, data, name: `frame ${index}` };
    const detected = this.processed % this.config.detectEvery === 0;
    this.processed++;
    const timings: FrameTimings = {};
    const faces = detected ? await this.detectOrFollow(image, capturedAt, timings) : this.follow(capturedAt, timings);
    const latencyMs = performance.now() - capturedAt;
    this.metrics.recordFrame(latencyMs);
    this.latest = { index, image, faces, capturedAt };
    this.emit({ type: 'frame', index, width, height, detected, faces, timings, latencyMs, at: new Date() });
    if (this.options.maxFrames !== undefined && this.processed >= this.options.maxFrames) {
      // Not awaited: stop() waits for this very frame to finish.
      void this.scheduler?.stop();
    }
  }

  /**
   * A detection frame; when its analysis fails (an inference worker that died, a frame OpenCV
   * cannot convert), the error is reported and the tracks are followed instead: a kiosk keeps
   * running, and the next detection frame tries again.
   */
  private async detectOrFollow(image: BgrImage, at: number, timings: FrameTimings): Promise<FrameFace[]> {
    try {
      return await this.detect(image, at, timings);
    } catch (error) {
      this.emit({
        type: 'error',
        stage: 'analyse',
        message: `${image.name}: ${(error as Error).message}`,
        at: new Date(),
      });
      return this.follow(at, timings);
    }
  }

  /** A detection frame: find and analyse the faces, track them, vote, and act on decisions. */
  private async detect(image: BgrImage, at: number, timings: FrameTimings): Promise<FrameFace[]> {
    this.detections++;
    const describe = this.tracks.size === 0 || [...this.tracks.keys()].some((id) => this.voter.wantsDescriptor(id, at));
    const analyseStart = performance.now();
    const analysis = await this.engine.analyser.analyse(image, { fallbacks: false, describe });
    timings.analyse = performance.now() - analyseStart;
    Object.assign(timings, analysis.timings);

    const trackStart = performance.now();
    const verdicts = analysis.faces.map((face) => assessEnrolmentQuality(face.quality, this.config.quality));
    const observations: FaceObservation[] = analysis.faces.map((face, i) => ({
      box: face.box,
      descriptor: face.descriptor,
      quality: verdicts[i] as QualityVerdict,
    }));
    const tracked = this.tracker.update(observations, at);
    timings.track = performance.now() - trackStart;

    const faces: FrameFace[] = [];
    let matchMs = 0;
    analysis.faces.forEach((face, i) => {
      const trackId = tracked.trackIds[i] as number;
      const info = this.trackInfo(trackId, face);
      info.box = face.box;
      info.landmarks = face.landmarks;
      info.qualityOk = (verdicts[i] as QualityVerdict).ok;
      this.lastMatch = null;
      const matchStart = performance.now();
      const report = this.voter.observe(trackId, observations[i] as FaceObservation, at);
      matchMs += performance.now() - matchStart;
      const matchedNow = this.lastMatch as NearestResult | null;
      if (report) this.decide(report, info);
      faces.push(this.frameFace(trackId, info, face.box, face.landmarks, matchedNow?.distance ?? info.distance));
    });
    if (analysis.faces.length > 0) timings.match = matchMs;
    this.forget(tracked);
    return faces;
  }

  /** A frame between detections: the tracks seen at the last detection, at their predicted places. */
  private follow(at: number, timings: FrameTimings): FrameFace[] {
    const trackStart = performance.now();
    const tracked = this.tracker.predict(at);
    this.forget(tracked);
    const faces = tracked.tracks.flatMap((track) => {
      const info = this.tracks.get(track.id);
      if (!info || track.missedDetections > 0) return [];
      const dx = track.box.x - info.box.x;
      const dy = track.box.y - info.box.y;
      const landmarks = info.landmarks.map((point) => ({ x: point.x + dx, y: point.y + dy }));
      return [this.frameFace(track.id, info, track.box, landmarks, info.distance)];
    });
    timings.track = performance.now() - trackStart;
    return faces;
  }

  private trackInfo(trackId: number, face: AnalysedFace): TrackInfo {
    let info = this.tracks.get(trackId);
    if (!info) {
      info = {
        box: face.box,
        landmarks: face.landmarks,
        qualityOk: false,
        decision: 'pending',
        person: null,
        distance: null,
      };
      this.tracks.set(trackId, info);
      this.tracksStarted++;
    }
    return info;
  }

  private frameFace(
    trackId: number,
    info: TrackInfo,
    box: Box,
    landmarks: readonly Point[],
    distance: number | null,
  ): FrameFace {
    return {
      trackId,
      box,
      landmarks,
      decision: info.decision,
      personId: info.person?.id ?? null,
      name: info.person?.name ?? null,
      distance,
      qualityOk: info.qualityOk,
    };
  }

  /** Tracks whose faces are gone: their votes and state go too (their ids are never reused). */
  private forget(tracked: TrackerFrame): void {
    if (tracked.ended.length === 0) return;
    this.voter.endTracks(tracked.ended);
    for (const id of tracked.ended) this.tracks.delete(id);
  }

  /** A track's identity was decided (or changed on a re-check): announce it and record attendance. */
  private decide(report: IdentityReport<string>, info: TrackInfo): void {
    const at = new Date();
    if (report.type === 'unknown') {
      info.decision = 'unknown';
      info.person = null;
      info.distance = null;
      if (this.reportedUnknown.has(report.trackId)) return;
      this.reportedUnknown.add(report.trackId);
      this.emit({ type: 'unknown', trackId: report.trackId, votes: report.votes, at });
      return;
    }
    const id = Number(report.personId);
    const stored = this.engine.store.people.get(id);
    const person = { id, name: stored?.name ?? `person ${id}` };
    info.decision = 'identified';
    info.person = person;
    info.distance = report.distance;
    if (!this.identifiedPeople.has(id)) this.identifiedPeople.set(id, person);
    this.emit({
      type: 'identified',
      trackId: report.trackId,
      person,
      distance: report.distance,
      votes: report.votes,
      at,
    });
    this.recordAttendance(report.trackId, id, report.distance);
  }

  /** Commits the recognition, then announces it; a store failure is reported and retried, never thrown. */
  private recordAttendance(trackId: number, personId: number, distance: number): void {
    let announcement: AttendanceLiveEvent;
    try {
      announcement = { ...this.attendance.recordRecognition(personId, distance), trackId };
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.attendanceErrors++;
      // Forgetting the decision makes the track vote again, so the recognition is retried soon.
      this.voter.endTracks([trackId]);
      this.emit({
        type: 'error',
        stage: 'attendance',
        message: error.message,
        code: error.code,
        trackId,
        at: new Date(),
      });
      return;
    }
    this.announcements.push(announcement);
    this.emit(announcement);
  }
}
