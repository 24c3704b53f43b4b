import { intersectionOverUnion, type Box } from '../geometry.js';

/**
 * Follows faces from frame to frame so that recognition can vote over time per face, not per frame.
 *
 * Association is greedy by cost, not Hungarian: a kiosk sees one to a handful of faces, the gates
 * below leave few candidate pairs, and greedy then gives the optimal answer in every case but
 * contrived ties. Each (track, observation) pair is a candidate when
 *   - both have trusted descriptors (from faces that passed the quality gate): the descriptors are
 *     at most `maxDescriptorDistance` apart, and the boxes overlap by `minIou` or the face moved at
 *     most `maxJumpWidths` box widths from where the track predicted it;
 *   - otherwise: the boxes overlap by at least `minIou`.
 * Its cost is 1 − IoU, averaged with distance / maxDescriptorDistance when both descriptors exist,
 * and pairs are taken cheapest first (ties by track id, then observation order) while both are free.
 * So two faces crossing keep their tracks: their boxes overlap, but their descriptors forbid a swap.
 *
 * A track's box is predicted at the frame's time from a constant-velocity model of its centre (an
 * average of recent moves), which carries tracks through frames where detection does not run
 * (`predict`) and through crossings where boxes alone are ambiguous.
 */

/** The quality gate's verdict on one face: the same shape as quality/faceQuality's QualityVerdict. */
export type ObservationQuality = { readonly ok: true } | { readonly ok: false; readonly reasons: readonly string[] };

/** One face found in a frame. */
export interface FaceObservation {
  readonly box: Box;
  /** The face's embedding, or null when none was computed for this frame. */
  readonly descriptor: Float32Array | null;
  readonly quality: ObservationQuality;
}

export interface TrackerOptions {
  /** Boxes overlapping at least this much (intersection over union) may be the same face. */
  readonly minIou: number;
  /** Descriptors farther apart than this (Euclidean) are different people, however their boxes overlap. */
  readonly maxDescriptorDistance: number;
  /** With agreeing descriptors, a face may land this many box widths from its predicted place. */
  readonly maxJumpWidths: number;
  /** A track ends after this many detection frames in a row without its face. */
  readonly maxMissedDetections: number;
  /** A track ends when its face has not been seen for longer than this, detection frames or not. */
  readonly maxMissedMs: number;
}

/**
 * Defaults for a camera at 10–30 fps: a face hidden for one second or five detections is gone, so
 * someone who leaves and comes back is a new track (and is voted on again). 0.6 is the descriptor's
 * same-person threshold; 0.3 IoU is kept by a face moving a quarter of its width between detections.
 */
export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minIou: 0.3,
  maxDescriptorDistance: 0.6,
  maxJumpWidths: 1.5,
  maxMissedDetections: 5,
  maxMissedMs: 1000,
};

/** A live track as of the latest frame. */
export interface TrackState {
  readonly id: number;
  /** The observed box when the face was seen in this frame, otherwise the predicted one. */
  readonly box: Box;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  /** How many observations the track has taken. */
  readonly hits: number;
  /** Detection frames in a row without the face. */
  readonly missedDetections: number;
}

/** What one frame did to the tracks. */
export interface TrackerFrame {
  readonly at: number;
  /** `trackIds[i]` is the track of the frame's i-th observation (empty on a predict-only frame). */
  readonly trackIds: readonly number[];
  /** Every live track after this frame, by id. */
  readonly tracks: readonly TrackState[];
  /** Tracks created by this frame. */
  readonly started: readonly number[];
  /** Tracks that ended in this frame: their faces are gone, and their ids are never reused. */
  readonly ended: readonly number[];
}

export type TrackerInputErrorCode = 'invalid-options' | 'invalid-time' | 'invalid-box' | 'invalid-descriptor';

export class TrackerInputError extends Error {
  constructor(
    readonly code: TrackerInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrackerInputError';
  }
}

interface Track {
  readonly id: number;
  box: Box;
  /** Centre velocity in pixels per millisecond. */
  vx: number;
  vy: number;
  readonly firstSeenAt: number;
  lastSeenAt: number;
  hits: number;
  missedDetections: number;
  /** The latest descriptor from a face that passed the quality gate. */
  descriptor: Float32Array | null;
}

interface Candidate {
  readonly track: Track;
  readonly observation: number;
  readonly cost: number;
}

/** Weight of the newest move in the velocity average: recent enough to follow turns, smooth enough to ignore jitter. */
const VELOCITY_SMOOTHING = 0.5;

export class FaceTracker {
  private readonly options: TrackerOptions;
  private readonly live: Track[] = [];
  private nextId = 1;
  private lastAt = Number.NEGATIVE_INFINITY;
  private descriptorLength: number | null = null;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = checkOptions({ ...DEFAULT_TRACKER_OPTIONS, ...options });
  }

  /** A frame where detection ran: `observations` are all the faces found at time `at` (milliseconds). */
  update(observations: readonly FaceObservation[], at: number): TrackerFrame {
    // Everything is checked before anything changes: a refused frame leaves the tracks as they were.
    this.checkTime(at);
    this.descriptorLength = checkObservations(observations, this.descriptorLength);
    this.lastAt = at;
    const ended = this.expireByTime(at);
    const trackIds = new Array<number>(observations.length).fill(0);
    const matched = new Set<Track>();
    for (const { track, observation } of this.candidates(observations, at)) {
      if (matched.has(track) || trackIds[observation] !== 0) continue;
      matched.add(track);
      trackIds[observation] = track.id;
      this.absorb(track, observations[observation] as FaceObservation, at);
    }
    for (const track of this.live) {
      if (!matched.has(track)) track.missedDetections++;
    }
    ended.push(...this.remove((track) => track.missedDetections > this.options.maxMissedDetections));
    const started: number[] = [];
    observations.forEach((observation, index) => {
      if (trackIds[index] !== 0) return;
      const track = this.start(observation, at);
      trackIds[index] = track.id;
      started.push(track.id);
    });
    return { at, trackIds, tracks: this.snapshot(at, matched), started, ended };
  }

  /** A frame where detection did not run: tracks keep their predicted boxes and end only by time. */
  predict(at: number): TrackerFrame {
    this.checkTime(at);
    this.lastAt = at;
    const ended = this.expireByTime(at);
    return { at, trackIds: [], tracks: this.snapshot(at, new Set()), started: [], ended };
  }

  private checkTime(at: number): void {
    if (!Number.isFinite(at)) {
      throw new TrackerInputError('invalid-time', `frame time must be a finite number of milliseconds, got ${at}`);
    }
    if (at < this.lastAt) {
      throw new TrackerInputError(
        'invalid-time',
        `frame time ${at} ms is before the previous frame's ${this.lastAt} ms; frame times must not go backwards`,
      );
    }
  }

  private expireByTime(at: number): number[] {
    return this.remove((track) => at - track.lastSeenAt > this.options.maxMissedMs);
  }

  private remove(expired: (track: Track) => boolean): number[] {
    const ids: number[] = [];
    for (let i = this.live.length - 1; i >= 0; i--) {
      const track = this.live[i] as Track;
      if (!expired(track)) continue;
      ids.unshift(track.id);
      this.live.splice(i, 1);
    }
    return ids;
  }

  private candidates(observations: readonly FaceObservation[], at: number): Candidate[] {
    const { minIou, maxDescriptorDistance, maxJumpWidths } = this.options;
    const pairs: Candidate[] = [];
    for (const track of this.live) {
      const predicted = predictBox(track, at);
      observations.forEach((observation, index) => {
        const iou = intersectionOverUnion(predicted, observation.box);
        const descriptor = trustedDescriptor(observation);
        if (track.descriptor && descriptor) {
          const distance = euclidean(track.descriptor, descriptor);
          if (distance > maxDescriptorDistance) return;
          const jump = Math.hypot(
            centreX(observation.box) - centreX(predicted),
            centreY(observation.box) - centreY(predicted),
          );
          if (iou < minIou && jump > maxJumpWidths * predicted.width) return;
          pairs.push({ track, observation: index, cost: (1 - iou + distance / maxDescriptorDistance) / 2 });
        } else if (iou >= minIou) {
          pairs.push({ track, observation: index, cost: 1 - iou });
        }
      });
    }
    return pairs.sort((a, b) => a.cost - b.cost || a.track.id - b.track.id || a.observation - b.observation);
  }

  private absorb(track: Track, observation: FaceObservation, at: number): void {
    const elapsed = at - track.lastSeenAt;
    if (elapsed > 0) {
      const vx = (centreX(observation.box) - centreX(track.box)) / elapsed;
      const vy = (centreY(observation.box) - centreY(track.box)) / elapsed;
      const first = track.hits === 1;
      track.vx = first ? vx : VELOCITY_SMOOTHING * vx + (1 - VELOCITY_SMOOTHING) * track.vx;
      track.vy = first ? vy : VELOCITY_SMOOTHING * vy + (1 - VELOCITY_SMOOTHING) * track.vy;
    }
    track.box = observation.box;
    track.lastSeenAt = at;
    track.hits++;
    track.missedDetections = 0;
    track.descriptor = trustedDescriptor(observation) ?? track.descriptor;
  }

  private start(observation: FaceObservation, at: number): Track {
    const track: Track = {
      id: this.nextId++,
      box: observation.box,
      vx: 0,
      vy: 0,
      firstSeenAt: at,
      lastSeenAt: at,
      hits: 1,
      missedDetections: 0,
      descriptor: trustedDescriptor(observation),
    };
    this.live.push(track);
    return track;
  }

  private snapshot(at: number, seen: ReadonlySet<Track>): TrackState[] {
    return this.live
      .map((track) => ({
        id: track.id,
        box: seen.has(track) ? track.box : predictBox(track, at),
        firstSeenAt: track.firstSeenAt,
        lastSeenAt: track.lastSeenAt,
        hits: track.hits,
        missedDetections: track.missedDetections,
      }))
      .sort((a, b) => a.id - b.id);
  }
}

/** Checks a frame's faces; returns the descriptor length every descriptor must share from now on. */
function checkObservations(observations: readonly FaceObservation[], knownLength: number | null): number | null {
  let length = knownLength;
  observations.forEach(({ box, descriptor }, index) => {
    const { x, y, width, height } = box;
    if (![x, y, width, height].every(Number.isFinite) || !(width > 0 && height > 0)) {
      throw new TrackerInputError(
        'invalid-box',
        `face ${index}: box must have finite coordinates and a positive size, got x=${x} y=${y} width=${width} height=${height}`,
      );
    }
    if (descriptor === null) return;
    if (descriptor.length === 0 || !descriptor.every(Number.isFinite)) {
      throw new TrackerInputError('invalid-descriptor', `face ${index}: descriptor must be non-empty and finite`);
    }
    length ??= descriptor.length;
    if (descriptor.length !== length) {
      throw new TrackerInputError(
        'invalid-descriptor',
        `face ${index}: descriptor has ${descriptor.length} values, earlier ones had ${length}`,
      );
    }
  });
  return length;
}

/** Descriptors of faces that failed the quality gate (blurred, turned away) are too noisy to tell people apart. */
function trustedDescriptor(observation: FaceObservation): Float32Array | null {
  return observation.quality.ok ? observation.descriptor : null;
}

function predictBox(track: Track, at: number): Box {
  const elapsed = at - track.lastSeenAt;
  return { ...track.box, x: track.box.x + track.vx * elapsed, y: track.box.y + track.vy * elapsed };
}

const centreX = (box: Box) => box.x + box.width / 2;
const centreY = (box: Box) => box.y + box.height / 2;

function euclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

function checkOptions(options: TrackerOptions): TrackerOptions {
  const { minIou, maxDescriptorDistance, maxJumpWidths, maxMissedDetections, maxMissedMs } = options;
  const problems = [
    !(minIou > 0 && minIou <= 1) && `minIou must be in (0, 1], got ${minIou}`,
    !(maxDescriptorDistance > 0 && Number.isFinite(maxDescriptorDistance)) &&
      `maxDescriptorDistance must be a positive number, got ${maxDescriptorDistance}`,
    !(maxJumpWidths >= 0 && Number.isFinite(maxJumpWidths)) &&
      `maxJumpWidths must be a number >= 0, got ${maxJumpWidths}`,
    !(Number.isInteger(maxMissedDetections) && maxMissedDetections >= 0) &&
      `maxMissedDetections must be a whole number >= 0, got ${maxMissedDetections}`,
    !(maxMissedMs >= 0 && Number.isFinite(maxMissedMs)) && `maxMissedMs must be a number >= 0, got ${maxMissedMs}`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) throw new TrackerInputError('invalid-options', `tracker options: ${problems.join('; ')}`);
  return options;
}
