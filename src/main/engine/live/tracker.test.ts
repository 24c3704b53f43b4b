import { describe, expect, it } from 'vitest';
import type { Box } from '../geometry.js';
import { FaceTracker, TrackerInputError, type FaceObservation, type TrackerFrame } from './tracker.js';

/** A person's descriptor: 128 pseudo-random values in ±0.1, so two people are ~0.9 apart (over 0.6). */
function person(seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: 128 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 0.2;
  });
}

/** The same person in another frame: 0.1 · sin noise, about 0.08 away from `base`. */
function seenAgain(base: Float32Array, frame: number): Float32Array {
  return base.map((v, i) => v + Math.sin(frame * 3.1 + i * 1.7) * 0.01);
}

function distance(a: Float32Array, b: Float32Array): number {
  return Math.sqrt(a.reduce((sum, v, i) => sum + (v - (b[i] as number)) ** 2, 0));
}

const box = (x: number, y = 100, size = 100): Box => ({ x, y, width: size, height: size });
const good = (b: Box, descriptor: Float32Array | null = null): FaceObservation => ({
  box: b,
  descriptor,
  quality: { ok: true },
});
const blurred = (b: Box, descriptor: Float32Array | null): FaceObservation => ({
  box: b,
  descriptor,
  quality: { ok: false, reasons: ['blurred'] },
});

const FRAME_MS = 40;

describe('FaceTracker', () => {
  it('uses descriptors that tell people apart', () => {
    expect(distance(person(1), person(2))).toBeCloseTo(0.9, 1);
    expect(distance(person(1), seenAgain(person(1), 7))).toBeCloseTo(0.08, 2);
  });

  it('keeps two crossing faces on their own tracks, whatever order the detector lists them in', () => {
    const tracker = new FaceTracker();
    const ada = person(1);
    const grace = person(2);
    const adaTracks = new Set<number>();
    const graceTracks = new Set<number>();
    for (let frame = 0; frame < 20; frame++) {
      // Ada walks right from x=0, Grace left from x=600, 30 px a frame: they pass at frame 10.
      const faces = [
        { who: 'ada', obs: good(box(frame * 30), seenAgain(ada, frame)) },
        { who: 'grace', obs: good(box(600 - frame * 30), seenAgain(grace, frame + 100)) },
      ].sort((a, b) => a.obs.box.x - b.obs.box.x);
      const result = tracker.update(
        faces.map((f) => f.obs),
        frame * FRAME_MS,
      );
      faces.forEach((face, i) => (face.who === 'ada' ? adaTracks : graceTracks).add(result.trackIds[i] as number));
    }
    expect([...adaTracks]).toEqual([1]);
    expect([...graceTracks]).toEqual([2]);
  });

  it('needs descriptors when two faces meet and turn back: boxes alone would swap them', () => {
    // Ada comes from the left and Grace from the right, 20 px a frame; both stand at x=300 for
    // three frames (one behind the other), then each goes back the way they came.
    const steps = Array.from({ length: 16 }, (_, i) => i);
    const path = (from: number): number[] => [
      ...steps.map((i) => from + ((300 - from) * i) / 15),
      300,
      300,
      ...steps.slice(1).map((i) => 300 + ((from - 300) * i) / 15),
    ];
    const adaPath = path(0);
    const gracePath = path(600);
    const run = (withDescriptors: boolean) => {
      const tracker = new FaceTracker();
      const ada: number[] = [];
      const grace: number[] = [];
      adaPath.forEach((x, frame) => {
        const result = tracker.update(
          [
            good(box(x), withDescriptors ? seenAgain(person(1), frame) : null),
            good(box(gracePath[frame] as number), withDescriptors ? seenAgain(person(2), frame) : null),
          ],
          frame * FRAME_MS,
        );
        ada.push(result.trackIds[0] as number);
        grace.push(result.trackIds[1] as number);
      });
      return { ada: [...new Set(ada)], grace: [...new Set(grace)] };
    };
    expect(run(true)).toEqual({ ada: [1], grace: [2] });
    // Boxes only: the constant-velocity prediction carries each track on past the meeting point.
    const boxesOnly = run(false);
    expect(boxesOnly.ada).toEqual([1, 2]);
    expect(boxesOnly.grace).toEqual([2, 1]);
  });

  it('ends a track after 5 detection frames without its face, so a returning face is a new track', () => {
    const tracker = new FaceTracker();
    let at = 0;
    const step = (faces: FaceObservation[]): TrackerFrame => tracker.update(faces, (at += FRAME_MS));
    for (let i = 0; i < 10; i++) expect(step([good(box(200))]).trackIds).toEqual([1]);
    const gone = [1, 2, 3, 4, 5].map(() => step([]));
    expect(gone.map((f) => f.ended)).toEqual([[], [], [], [], []]);
    expect(gone.at(-1)?.tracks).toEqual([
      { id: 1, box: box(200), firstSeenAt: 40, lastSeenAt: 400, hits: 10, missedDetections: 5 },
    ]);
    expect(step([]).ended).toEqual([1]);
    const back = step([good(box(200))]);
    expect(back.trackIds).toEqual([2]);
    expect(back.started).toEqual([2]);
  });

  it('keeps a face that is missed for up to 5 detection frames', () => {
    const tracker = new FaceTracker();
    tracker.update([good(box(200))], 0);
    for (let i = 1; i <= 5; i++) tracker.update([], i * FRAME_MS);
    const back = tracker.update([good(box(205))], 6 * FRAME_MS);
    expect(back.trackIds).toEqual([1]);
    expect(back.tracks[0]?.missedDetections).toBe(0);
  });

  it('ends a track unseen for more than maxMissedMs, even on frames without detection', () => {
    const tracker = new FaceTracker();
    tracker.update([good(box(200))], 0);
    expect(tracker.predict(1000).ended).toEqual([]);
    expect(tracker.predict(1000.5).ended).toEqual([1]);
    expect(tracker.update([good(box(200))], 1001).trackIds).toEqual([2]);
  });

  it('follows a moving face when detection runs every 3rd frame, predicting its box in between', () => {
    const tracker = new FaceTracker();
    const ada = person(1);
    // 20 px a frame: 60 px between detections, an IoU of only 0.25 without the prediction.
    const ids = new Set<number>();
    const predicted: number[] = [];
    for (let frame = 0; frame < 30; frame++) {
      const at = frame * FRAME_MS;
      if (frame % 3 === 0) {
        const result = tracker.update([good(box(frame * 20), seenAgain(ada, frame))], at);
        ids.add(result.trackIds[0] as number);
      } else {
        const result = tracker.predict(at);
        expect(result.trackIds).toEqual([]);
        if (frame >= 4) predicted.push((result.tracks[0]?.box.x as number) - frame * 20);
      }
    }
    expect([...ids]).toEqual([1]);
    // From the second move on the velocity is exact: predicted boxes sit where the face is.
    expect(Math.max(...predicted.map(Math.abs))).toBeLessThan(1e-9);
    expect(predicted).toHaveLength(18);
  });

  it('does not trust the descriptor of a face that failed the quality gate', () => {
    const tracker = new FaceTracker();
    tracker.update([good(box(200), person(1))], 0);
    // A blurred frame's descriptor looks like somebody else; the box says it is the same face.
    expect(tracker.update([blurred(box(210), person(2))], FRAME_MS).trackIds).toEqual([1]);
    // The track still holds Ada's descriptor, so Grace in the same place is not Ada.
    expect(tracker.update([good(box(215), person(2))], 2 * FRAME_MS).trackIds).toEqual([2]);
  });

  it('refuses bad frames with specific errors and leaves the tracks as they were', () => {
    const tracker = new FaceTracker();
    tracker.update([good(box(200), person(1))], 100);
    const refuse = (run: () => unknown, code: string, message: string) => {
      let error: unknown;
      try {
        run();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(TrackerInputError);
      expect(error).toMatchObject({ code, message });
    };
    refuse(
      () => tracker.update([], 99),
      'invalid-time',
      "frame time 99 ms is before the previous frame's 100 ms; frame times must not go backwards",
    );
    refuse(
      () => tracker.predict(Number.NaN),
      'invalid-time',
      'frame time must be a finite number of milliseconds, got NaN',
    );
    refuse(
      () => tracker.update([good(box(200)), good({ x: 0, y: 0, width: 0, height: 10 })], 140),
      'invalid-box',
      'face 1: box must have finite coordinates and a positive size, got x=0 y=0 width=0 height=10',
    );
    refuse(
      () => tracker.update([good({ x: Number.NaN, y: 0, width: 5, height: 5 })], 140),
      'invalid-box',
      'face 0: box must have finite coordinates and a positive size, got x=NaN y=0 width=5 height=5',
    );
    refuse(
      () => tracker.update([good(box(200), new Float32Array(64))], 140),
      'invalid-descriptor',
      'face 0: descriptor has 64 values, earlier ones had 128',
    );
    refuse(
      () => tracker.update([good(box(200), Float32Array.of(Number.NaN))], 140),
      'invalid-descriptor',
      'face 0: descriptor must be non-empty and finite',
    );
    refuse(
      () => new FaceTracker({ minIou: 0, maxMissedDetections: 1.5 }),
      'invalid-options',
      'tracker options: minIou must be in (0, 1], got 0; maxMissedDetections must be a whole number >= 0, got 1.5',
    );
    // None of the refused frames touched the track: it was last seen at 100 ms and missed nothing.
    expect(tracker.update([good(box(200), person(1))], 140).tracks).toEqual([
      { id: 1, box: box(200), firstSeenAt: 100, lastSeenAt: 140, hits: 2, missedDetections: 0 },
    ]);
  });
});
