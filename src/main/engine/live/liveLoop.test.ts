import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import { createAttendanceService } from '../attendance/attendanceService.js';
import cv from '../cv.js';
import { FaceEngine } from '../faceEngine.js';
import { openStore } from '../store/index.js';
import type { AttendanceLiveEvent, FrameEvent, LiveEvent } from './events.js';
import { writeBundledDemoClip } from './demoClip.js';
import { DEFAULT_LIVE_CONFIG, parseLiveConfig } from './liveConfig.js';
import { LiveLoop, type LiveLoopOptions, type LiveSummary } from './liveLoop.js';
import { startMjpegTestCamera } from './mjpegTestCamera.js';
import { parseSource, VideoSource, VideoSourceError } from './videoSource.js';

const modelsDir = join(import.meta.dirname, '../../../../resources/models');
const scratch = mkdtempSync(join(tmpdir(), 'clockface-live-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const clipA = sharedPath('video', 'talking-head-a.mp4');
const clipB = sharedPath('video', 'talking-head-b.mp4');

/** Writes frames `from` to `to` (exclusive) of a clip as numbered JPEGs into `folder`; returns their paths. */
async function grabFrames(clip: string, folder: string, from: number, to: number): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const source = await VideoSource.open(parseSource(clip), { pacing: 'fast' });
  const paths: string[] = [];
  try {
    for (let frame = await source.read(); frame !== null && frame.index < to; frame = await source.read()) {
      if (frame.index >= from) {
        const path = join(folder, `${String(frame.index).padStart(4, '0')}.jpg`);
        await cv.imwriteAsync(path, frame.bgr);
        paths.push(path);
      }
      frame.bgr.release();
    }
  } finally {
    await source.close();
  }
  return paths;
}

/** Runs a loop to its end, collecting every event. */
async function runLoop(
  engine: FaceEngine,
  options: LiveLoopOptions,
): Promise<{ events: LiveEvent[]; summary: LiveSummary }> {
  const loop = new LiveLoop(engine, options);
  const events: LiveEvent[] = [];
  loop.on((event) => events.push(event));
  await loop.start();
  return { events, summary: await loop.done() };
}

const ofType = <T extends LiveEvent['type']>(events: readonly LiveEvent[], type: T) =>
  events.filter((event): event is Extract<LiveEvent, { type: T }> => event.type === type);

/** The attendance rows as another connection sees them: only what is committed. */
function committedRows(dbPath: string): { person_id: number; kind: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT person_id, kind FROM attendance_events ORDER BY id').all() as {
      person_id: number;
      kind: string;
    }[];
  } finally {
    db.close();
  }
}

describe.skipIf(!hasSharedData)(`LiveLoop on the shared clips (${sharedDataSkipReason})`, () => {
  const engines: FaceEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
  });

  /** A fresh database with person A enrolled from one still of talking-head-a (its frame 0). */
  async function engineWithA(): Promise<{ engine: FaceEngine; dbPath: string; personA: number }> {
    const folder = mkdtempSync(join(scratch, 'engine-'));
    const [still] = await grabFrames(clipA, folder, 0, 1);
    const dbPath = join(folder, 'clockface.db');
    const engine = await FaceEngine.open({ modelsDir, dbPath });
    engines.push(engine);
    const [outcome] = await engine.enrol('A', [still as string]);
    if (!outcome?.ok) throw new Error(`enrolling A failed: ${JSON.stringify(outcome)}`);
    return { engine, dbPath, personA: engine.store.people.findByName('A')?.id ?? -1 };
  }

  it('checks A in exactly once on talking-head-a; every later recognition says "already"', async () => {
    const { engine, dbPath, personA } = await engineWithA();
    // Every frame, so the run does not depend on this machine's speed; a decided track re-checked every 2 s.
    const recheckMs = 2000;
    const first = await runLoop(engine, {
      source: parseSource(clipA),
      sourceOptions: { pacing: 'fast' },
      config: { delivery: 'every', recheckMs },
    });

    const frames = ofType(first.events, 'frame');
    expect(frames).toHaveLength(587);
    // Detection on frames 0, k, 2k… of the 587.
    const detections = Math.ceil(587 / DEFAULT_LIVE_CONFIG.detectEvery);
    expect(frames.filter((frame) => frame.detected)).toHaveLength(detections);
    expect(first.summary).toMatchObject({ framesProcessed: 587, framesDropped: 0, corruptFrames: 0, detections });
    // Every frame shows her face (the detector misses it at most now and then), and no one else.
    const faceCounts = frames.map((frame) => frame.faces.length);
    expect(faceCounts.filter((count) => count === 1).length).toBeGreaterThan(570);
    expect(Math.max(...faceCounts)).toBe(1);

    const identified = ofType(first.events, 'identified');
    expect(identified.length).toBeGreaterThanOrEqual(1);
    expect(identified.every((event) => event.person.id === personA && event.person.name === 'A')).toBe(true);
    expect(identified[0]?.votes).toBe(3);
    expect(identified[0]?.distance).toBeLessThan(0.2);
    expect(ofType(first.events, 'unknown')).toEqual([]);
    expect(first.summary.identifiedPeople).toEqual([{ id: personA, name: 'A' }]);

    const [checkIn, ...later] = ofType(first.events, 'attendance');
    expect(checkIn).toMatchObject({ name: 'A', personId: personA, kind: 'in', already: false });
    // A track that restarts (she turned away for a moment) is recognised again: "already checked in".
    for (const event of later) {
      expect(event).toMatchObject({ name: 'A', kind: 'in', already: true, previousAt: checkIn?.at });
    }
    // Identified on a frame among the first few detections: 3 votes from 3 detection frames.
    const identifiedOn = first.events.indexOf(identified[0] as LiveEvent);
    expect(ofType(first.events.slice(0, identifiedOn), 'frame').length).toBeLessThanOrEqual(9);

    // A decided track is left alone (no descriptors), then re-checked: descriptors again, no new report.
    const capturedAt = (frame: FrameEvent | undefined) => (frame ? frame.at.getTime() - frame.latencyMs : NaN);
    const decisionFrame = ofType(first.events.slice(first.events.indexOf(identified[0] as LiveEvent)), 'frame')[0];
    const afterDecision = frames.slice(frames.indexOf(decisionFrame as FrameEvent) + 1);
    const rechecks = afterDecision.filter((frame) => frame.timings.embed !== undefined);
    expect(rechecks.length).toBeGreaterThan(0);
    expect(capturedAt(rechecks[0]) - capturedAt(decisionFrame)).toBeGreaterThanOrEqual(recheckMs);
    expect(frames.filter((frame) => frame.detected && frame.timings.embed === undefined).length).toBeGreaterThan(100);

    const statuses = ofType(first.events, 'status').map(({ state, detail }) => [state, detail]);
    expect(statuses).toEqual([
      ['ok', '512x480 at 30 fps'],
      ['ended', 'end of file after 587 frames'],
    ]);
    expect(committedRows(dbPath)).toEqual([{ person_id: personA, kind: 'in' }]);

    // Again on the same clip, within the 5-minute cooldown: recognised, told "already", nothing written.
    const loop = new LiveLoop(engine, {
      source: parseSource(clipA),
      sourceOptions: { pacing: 'fast' },
      // Every frame here too: dropping frames on a busy machine could end the clip before 3 votes.
      config: { delivery: 'every' },
    });
    const iterated: LiveEvent[] = [];
    const reading = (async () => {
      for await (const event of loop.events()) {
        iterated.push(event);
        if (event.type === 'attendance') await loop.stop();
      }
    })();
    await loop.start();
    const summary = await loop.done();
    await reading;
    const again = ofType(iterated, 'attendance');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ name: 'A', kind: 'in', already: true, previousAt: checkIn?.at });
    expect(summary.attendance).toEqual(again);
    expect(ofType(iterated, 'status').at(-1)).toMatchObject({ state: 'ended', detail: 'stopped' });
    // Stopped early: the newest frame is there for a preview, with her face in it.
    const latest = loop.latestFrame();
    expect(latest?.image).toMatchObject({ kind: 'bgr', width: 512, height: 480, name: `frame ${latest?.index}` });
    expect(latest?.image.data.length).toBe(512 * 480 * 3);
    expect(latest?.faces.map((face) => face.name)).toEqual(['A']);
    const analysed = await engine.analyser.analyse(latest?.image as NonNullable<typeof latest>['image'], {
      fallbacks: false,
    });
    expect(analysed.faces).toHaveLength(1);
    expect(summary.framesProcessed).toBeLessThan(587);
    expect(committedRows(dbPath)).toEqual([{ person_id: personA, kind: 'in' }]);
  });

  it('reports talking-head-b unknown once per track against a gallery of A, and records nothing', async () => {
    const { engine, dbPath } = await engineWithA();
    const { events, summary } = await runLoop(engine, {
      source: parseSource(clipB),
      sourceOptions: { pacing: 'fast' },
      config: { delivery: 'every' },
    });
    expect(summary.framesProcessed).toBe(216);
    expect(ofType(events, 'attendance')).toEqual([]);
    expect(ofType(events, 'identified')).toEqual([]);
    const unknown = ofType(events, 'unknown');
    expect(unknown.length).toBeGreaterThanOrEqual(1);
    const tracks = unknown.map((event) => event.trackId);
    expect(new Set(tracks).size).toBe(tracks.length);
    expect(summary.unknownTracks).toBe(unknown.length);
    // Her frames show her as unknown from the decision on, never as A.
    const faces = ofType(events, 'frame').flatMap((frame) => frame.faces);
    expect(faces.some((face) => face.name !== null)).toBe(false);
    expect(faces.filter((face) => face.decision === 'unknown').length).toBeGreaterThan(150);
    expect(committedRows(dbPath)).toEqual([]);
  });

  describe('a camera stream that drops and dies', () => {
    const servers: ChildProcess[] = [];
    afterAll(() => servers.forEach((server) => server.kill()));

    /** An MJPEG camera serving the first 3 s of talking-head-a, cut twice, then gone. */
    async function startCamera(): Promise<string> {
      await grabFrames(clipA, join(scratch, 'mjpeg'), 0, 90);
      const { url, server } = await startMjpegTestCamera(join(scratch, 'mjpeg'), 90, 2);
      servers.push(server);
      return url;
    }

    it('reports lost, reconnecting, ok and finally ended, and keeps the check-in made before', async () => {
      const { engine, dbPath, personA } = await engineWithA();
      const url = await startCamera();
      const { events, summary } = await runLoop(engine, {
        source: parseSource(url),
        sourceOptions: {
          reconnectDelayMs: 100,
          maxReconnectAttempts: 2,
          lostAfterFailedReads: 3,
          failedReadPauseMs: 10,
        },
        // A detection on every frame: the camera sends only 3 s per connection.
        config: { detectEvery: 1 },
      });
      const states = ofType(events, 'status').map((event) => event.state);
      expect(states).toEqual(['ok', 'lost', 'reconnecting', 'ok', 'lost', 'reconnecting', 'reconnecting', 'ended']);
      expect(ofType(events, 'status').at(-1)?.detail).toMatch(/^gave up after 2 reconnection attempts: cannot connect/);
      expect(summary.reconnects).toBe(1);

      const checkIns = ofType(events, 'attendance').filter((event) => !event.already);
      expect(checkIns).toHaveLength(1);
      expect(checkIns[0]).toMatchObject({ name: 'A', kind: 'in' });
      // Frames came from both connections, and the check-in survived the drops.
      const beforeDrop = events.indexOf(ofType(events, 'status')[1] as LiveEvent);
      expect(events.indexOf(checkIns[0] as LiveEvent)).toBeLessThan(beforeDrop);
      expect(ofType(events.slice(beforeDrop), 'frame').length).toBeGreaterThan(0);
      await engine.close();
      const store = openStore(dbPath);
      try {
        expect(store.attendance.list({ from: new Date(0), to: new Date(Date.now() + 60_000) })).toMatchObject([
          { personId: personA, kind: 'in', source: 'kiosk' },
        ]);
      } finally {
        store.close();
      }
    });
  });

  it('reports a store that is locked while it records as an error event, then retries; nothing stored is lost', async () => {
    const { engine, dbPath, personA } = await engineWithA();
    // Every frame (the clip would otherwise be over while the loop waits for the lock).
    const everyFrame = {
      source: parseSource(clipA),
      sourceOptions: { pacing: 'fast' },
      config: { delivery: 'every' },
    } as const;
    const first = await runLoop(engine, { ...everyFrame, maxFrames: 30 });
    expect(ofType(first.events, 'attendance')).toMatchObject([{ kind: 'in', already: false }]);

    // Ten minutes later (past the cooldown) she would be checked out, but another process holds the write lock.
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
    const later = createAttendanceService(engine.store, { now: () => new Date(Date.now() + 10 * 60_000) });
    const loop = new LiveLoop(engine, { ...everyFrame, attendance: later, maxFrames: 60 });
    const events: LiveEvent[] = [];
    loop.on((event) => {
      events.push(event);
      // The other process lets go once the loop has hit its lock.
      if (event.type === 'error' && other.inTransaction) other.exec('COMMIT');
    });
    await loop.start();
    const summary = await loop.done();
    other.close();

    const [error] = ofType(events, 'error');
    expect(error).toMatchObject({ stage: 'attendance', code: 'locked', trackId: 1 });
    expect(error?.message).toBe(`database is locked by another Clockface process: ${dbPath}`);
    // She was recognised again (the 2 s wait for the lock also ended her track: a new one) and the
    // check-out went through once the lock was gone.
    expect(ofType(events, 'identified').map((event) => event.person.name)).toEqual(['A', 'A']);
    const recorded: AttendanceLiveEvent[] = ofType(events, 'attendance');
    expect(recorded).toMatchObject([{ kind: 'out', already: false, name: 'A' }]);
    expect(events.indexOf(error as LiveEvent)).toBeLessThan(events.indexOf(recorded[0] as LiveEvent));
    expect(summary.attendanceErrors).toBe(1);
    expect(committedRows(dbPath)).toEqual([
      { person_id: personA, kind: 'in' },
      { person_id: personA, kind: 'out' },
    ]);
  });

  it('refuses a file it cannot read, before anything runs', async () => {
    const { engine } = await engineWithA();
    const notVideo = join(scratch, 'notes.mp4');
    writeFileSync(notVideo, 'not a video\n'.repeat(100));
    const loop = new LiveLoop(engine, { source: parseSource(notVideo) });
    const events: LiveEvent[] = [];
    loop.on((event) => events.push(event));
    const refused = `${notVideo}: OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)`;
    await expect(loop.start()).rejects.toThrow(refused);
    await expect(loop.done()).rejects.toBeInstanceOf(VideoSourceError);
    expect(events).toEqual([]);
    expect(loop.latestFrame()).toBeNull();

    // A path that is not there, given as a spec without parseSource's check: the same refusal.
    const missing = join(scratch, 'no-such-clip.mp4');
    const gone = new LiveLoop(engine, { source: { kind: 'file', path: missing } });
    await expect(gone.start()).rejects.toThrow(
      `${missing}: OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)`,
    );
    expect(() => new LiveLoop(engine, { source: parseSource(clipA), maxFrames: 0 })).toThrow(
      'maxFrames must be a whole number of at least 1, got 0',
    );
    // Stopped before it started: an empty summary, and it cannot be started afterwards.
    const idle = new LiveLoop(engine, { source: parseSource(clipA) });
    expect(await idle.stop()).toMatchObject({ framesProcessed: 0, attendance: [], lastStatus: null });
    await expect(idle.start()).rejects.toThrow('LiveLoop.start() after stop(): the loop is over');
  });
});

describe('LiveLoop input checks', () => {
  it('refuses a source that does not exist, naming it', () => {
    expect(() => parseSource('/no/such/clip.mp4')).toThrow(
      '/no/such/clip.mp4: is not a camera index, an existing video file or a stream URL (rtsp://, http://)',
    );
  });

  it('refuses bad settings with every bad one named', () => {
    expect(() => parseLiveConfig({ detectEvery: 0, votesRequired: 9 })).toThrow(
      'live config: detectEvery: Too small: expected number to be >=1; votesRequired: must be more than half of voteWindow and at most voteWindow',
    );
    expect(() => parseLiveConfig({ delivery: 'oldest' as 'every' })).toThrow(
      'live config: delivery: Invalid option: expected one of "latest"|"every"',
    );
    expect(parseLiveConfig({ quality: { minSharpness: 5 } }).quality).toEqual({
      ...DEFAULT_LIVE_CONFIG.quality,
      minSharpness: 5,
    });
  });
});

describe('LiveLoop when the analysis fails', () => {
  it('reports each failed detection frame as an error event and runs on to the end of the file', async () => {
    const engine = await FaceEngine.open({ modelsDir, dbPath: join(scratch, 'failing.db') });
    try {
      const clip = await writeBundledDemoClip(scratch);
      // Its inference workers closed, the analyser fails every call, as it would after a crash.
      await engine.analyser.close();
      const { events, summary } = await runLoop(engine, {
        source: parseSource(clip.path),
        sourceOptions: { pacing: 'fast' },
        config: { delivery: 'every' },
      });
      const errors = ofType(events, 'error');
      expect(summary.framesProcessed).toBe(clip.frameCount);
      expect(errors).toHaveLength(Math.ceil(clip.frameCount / DEFAULT_LIVE_CONFIG.detectEvery));
      expect(errors[0]).toMatchObject({ stage: 'analyse', message: 'frame 0: the inference workers were closed' });
      expect(ofType(events, 'frame').every((frame) => frame.faces.length === 0)).toBe(true);
      expect(ofType(events, 'status').at(-1)).toMatchObject({ state: 'ended' });
    } finally {
      await engine.close();
    }
  });
});
