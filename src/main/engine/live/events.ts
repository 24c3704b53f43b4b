/** Events the live loop reports to its user (CLI output, the kiosk's status bar, IPC). */
import type { AttendanceAnnouncement } from '../attendance/attendanceService.js';
import type { Box, Point } from '../geometry.js';
import type { StageName } from '../stage.js';
import type { StoreErrorCode } from '../store/index.js';

/**
 * The video source's health: 'ok' while frames arrive, 'lost' when a camera or stream stops
 * delivering, 'reconnecting' before each attempt to reopen it, 'ended' when a file is over or the
 * source was given up on (or stopped).
 */
export type SourceState = 'ok' | 'lost' | 'reconnecting' | 'ended';

export interface SourceStatusEvent {
  readonly type: 'status';
  readonly state: SourceState;
  /** The source as shown to people (stream credentials masked). */
  readonly source: string;
  /** Why the state changed, in one sentence. */
  readonly detail?: string;
  readonly at: Date;
}

/** Milliseconds per stage for one frame: the analyser's stages, plus the live loop's own. */
export type FrameTimings = Partial<Record<StageName | 'analyse' | 'track', number>>;

/** Where a face's identity stands: still being voted on, decided as a person, or decided unknown. */
export type FaceDecision = 'pending' | 'identified' | 'unknown';

/** One face in a frame, as the kiosk draws it. */
export interface FrameFace {
  readonly trackId: number;
  /** Observed on detection frames, predicted from the track's motion in between. */
  readonly box: Box;
  /** 68 points in frame pixels; moved with the predicted box on frames without detection. */
  readonly landmarks: readonly Point[];
  readonly decision: FaceDecision;
  /** The person the track was identified as; null while pending or unknown. */
  readonly personId: number | null;
  readonly name: string | null;
  /** This frame's match distance when the face was matched now, else the one its decision rests on. */
  readonly distance: number | null;
  /** Whether the face passed the quality gate (size, sharpness, frontalness…) on its last detection. */
  readonly qualityOk: boolean;
}

export interface FrameEvent {
  readonly type: 'frame';
  /** The source's frame number (0, 1, 2… over the frames it delivered, dropped ones included). */
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** Whether detection ran on this frame (every `detectEvery`-th processed frame) or tracks were predicted. */
  readonly detected: boolean;
  readonly faces: readonly FrameFace[];
  readonly timings: FrameTimings;
  /** From the end of the frame's capture to the end of every decision about it. */
  readonly latencyMs: number;
  readonly at: Date;
}

/** A track's identity was decided as a person (or changed to one on a re-check). */
export interface IdentifiedEvent {
  readonly type: 'identified';
  readonly trackId: number;
  readonly person: { readonly id: number; readonly name: string };
  /** The median distance of the votes for the person. */
  readonly distance: number;
  readonly votes: number;
  readonly at: Date;
}

/** A track was decided unknown: reported once per track, however long it stays. */
export interface UnknownEvent {
  readonly type: 'unknown';
  readonly trackId: number;
  readonly votes: number;
  readonly at: Date;
}

/** What the kiosk announces, already committed to the store when it is a check-in or check-out. */
export type AttendanceLiveEvent = AttendanceAnnouncement & { readonly trackId: number };

/**
 * Something failed that the loop survives: recording attendance (the store was locked, full or the
 * person removed). Nothing stored before is lost; the track is voted on again, so the recognition is
 * retried.
 */
/**
 * Something failed and the loop carried on: recording a recognition (the store's error; the track
 * votes again so it is retried), or analysing one frame (the next detection frame tries again).
 */
export type LiveErrorEvent =
  | {
      readonly type: 'error';
      readonly stage: 'attendance';
      readonly message: string;
      readonly code: StoreErrorCode;
      readonly trackId: number;
      readonly at: Date;
    }
  | { readonly type: 'error'; readonly stage: 'analyse'; readonly message: string; readonly at: Date };

/** The loop's health over the last metrics interval. */
export interface MetricsEvent {
  readonly type: 'metrics';
  readonly intervalMs: number;
  /** Frames processed per second over the interval. */
  readonly fps: number;
  /** Totals since the start. */
  readonly framesProcessed: number;
  readonly framesDropped: number;
  readonly corruptFrames: number;
  /** Capture-to-decision latency over the interval's frames; null when none was processed. */
  readonly latencyMs: { readonly median: number; readonly p95: number } | null;
  /** How late the event loop ran its timers, 99th percentile over the interval. */
  readonly eventLoopDelayP99Ms: number;
  readonly rssMb: number;
  readonly at: Date;
}

export type LiveEvent =
  | FrameEvent
  | IdentifiedEvent
  | UnknownEvent
  | AttendanceLiveEvent
  | SourceStatusEvent
  | LiveErrorEvent
  | MetricsEvent;

export type LiveEventType = LiveEvent['type'];
