/**
 * The live-loop rows of the benchmark: the shared talking-head clips framed to 640x480 (one face
 * each), run through the live loop exactly as `clockface run` runs it, with person A enrolled from
 * one frame. Frames fully processed per second (every frame through the loop, none dropped, as
 * fast as it goes), capture-to-decision latency, event-loop delay p99 and, over a real-time loop
 * of `minutes`, RSS growth. bench/engine.ts adds them to its table; bench/live.ts runs them alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineConfigSchema, type EngineConfig } from '../src/main/engine/config.js';
import cv from '../src/main/engine/cv.js';
import { FaceEngine } from '../src/main/engine/faceEngine.js';
import type { FrameEvent, LiveEvent } from '../src/main/engine/live/events.js';
import { LiveLoop, type LiveLoopOptions, type LiveSummary } from '../src/main/engine/live/liveLoop.js';
import { quantile } from '../src/main/engine/live/liveMetrics.js';
import { VideoSource } from '../src/main/engine/live/videoSource.js';
import { addTiming, type StageName, type StageTimings } from '../src/main/engine/stage.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../test/support/sharedData.js';
import { formatStageMs } from './endToEnd.js';
import { startEventLoopMonitor, type EventLoopDelay } from './eventLoopDelay.js';
import type { BenchRow } from './matcher.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(repoRoot, 'resources', 'models');
const FRAME_WIDTH = 640;
const FRAME_HEIGHT = 480;
const BYTES_PER_MB = 1024 * 1024;

/**
 * Writes `clip` framed to 640x480: centred on a border that repeats its edge pixels, so the face
 * keeps its shape and size (the shared clips are 512x480 and 480x480). MPEG-4, like the demo clip.
 */
async function frameTo640x480(clip: string, out: string): Promise<string> {
  const source = await VideoSource.open({ kind: 'file', path: clip }, { pacing: 'fast', maxWidth: 0 });
  const fps = source.info?.fps ?? 30;
  const writer = new cv.VideoWriter(out, cv.VideoWriter.fourcc('mp4v'), fps, new cv.Size(FRAME_WIDTH, FRAME_HEIGHT));
  try {
    for (let frame = await source.read(); frame !== null; frame = await source.read()) {
      const left = Math.floor((FRAME_WIDTH - frame.width) / 2);
      const top = Math.floor((FRAME_HEIGHT - frame.height) / 2);
      const framed = await frame.bgr.copyMakeBorderAsync(
        top,
        FRAME_HEIGHT - frame.height - top,
        left,
        FRAME_WIDTH - frame.width - left,
        cv.BORDER_REPLICATE,
      );
      // Synchronous on purpose: opencv4nodejs's writeAsync drops the frames of FFmpeg-backed writers.
      writer.write(framed);
      framed.release();
      frame.bgr.release();
    }
  } finally {
    writer.release();
    await source.close();
  }
  return out;
}

async function enrolFirstFrame(engine: FaceEngine, clip: string, folder: string): Promise<void> {
  const source = await VideoSource.open({ kind: 'file', path: clip }, { pacing: 'fast' });
  const frame = await source.read();
  await source.close();
  if (frame === null) throw new Error(`${clip} has no frame`);
  const still = join(folder, 'enrolment.jpg');
  await cv.imwriteAsync(still, frame.bgr);
  const [outcome] = await engine.enrol('A', [still]);
  if (!outcome?.ok) throw new Error(`could not enrol A from ${clip}: ${outcome?.message ?? 'no outcome'}`);
}

interface LoopRun {
  readonly summary: LiveSummary;
  readonly frames: readonly FrameEvent[];
  readonly eventLoop: EventLoopDelay;
  readonly events: readonly LiveEvent[];
}

/** One live-loop run, every frame event kept (without landmarks) and the event loop watched. */
async function runLoop(engine: FaceEngine, options: LiveLoopOptions): Promise<LoopRun> {
  const loop = new LiveLoop(engine, options);
  const frames: FrameEvent[] = [];
  const events: LiveEvent[] = [];
  loop.on((event) => {
    if (event.type === 'frame') frames.push({ ...event, faces: [] });
    else if (event.type !== 'metrics') events.push(event);
  });
  const monitor = await startEventLoopMonitor();
  await loop.start();
  const summary = await loop.done();
  return { summary, frames, eventLoop: await monitor.stop(), events };
}

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const latencies = (frames: readonly FrameEvent[]) => sorted(frames.map((frame) => frame.latencyMs));

/** Mean milliseconds per detection frame in each analyser stage. */
function stageMsPerDetection(frames: readonly FrameEvent[]): StageTimings {
  const detected = frames.filter((frame) => frame.detected);
  const stageMs: StageTimings = {};
  for (const frame of detected) {
    for (const [stage, ms] of Object.entries(frame.timings)) {
      if (stage !== 'analyse' && stage !== 'track') addTiming(stageMs, stage as StageName, ms / detected.length);
    }
  }
  return stageMs;
}

function latencyDetail(frames: readonly FrameEvent[]): string {
  const all = latencies(frames);
  const detected = latencies(frames.filter((frame) => frame.detected));
  return (
    `p95 ${quantile(all, 0.95).toFixed(1)} ms over ${all.length} frames; ` +
    `detection frames: median ${quantile(detected, 0.5).toFixed(1)}, p95 ${quantile(detected, 0.95).toFixed(1)} ms`
  );
}

function decisions(run: LoopRun): string {
  const said = run.events
    .filter((event) => event.type === 'identified' || event.type === 'unknown' || event.type === 'attendance')
    .map((event) => (event.type === 'identified' ? `identified ${event.person.name}` : event.type));
  return said.length > 0 ? said.join(', ') : 'no decision';
}

/** Every frame of `clip` through the loop as fast as it goes: throughput, latency, event-loop delay. */
async function benchFast(
  engine: FaceEngine,
  clip: string,
  label: string,
  options: LiveBenchOptions,
  progress: (message: string) => void,
): Promise<BenchRow[]> {
  progress(`as fast as possible: ${label}`);
  const run = await runLoop(engine, {
    source: { kind: 'file', path: clip },
    sourceOptions: { pacing: 'fast' },
    config: { delivery: 'every', detectEvery: options.detectEvery, metricsIntervalMs: 0 },
    ...(options.frames === undefined ? {} : { maxFrames: options.frames }),
  });
  const { summary, frames } = run;
  const seconds = summary.durationMs / 1000;
  const name = `live, ${label}, every frame as fast as possible`;
  return [
    {
      name: `${name}: frames fully processed`,
      value: summary.framesProcessed / seconds,
      unit: 'frames/s (target ≥ 30)',
      detail:
        `${summary.framesProcessed} frames in ${seconds.toFixed(1)} s, ${summary.detections} with detection ` +
        `(${(summary.detections / seconds).toFixed(1)}/s); stage ms per detection frame: ${formatStageMs(stageMsPerDetection(frames))}; ` +
        decisions(run),
    },
    {
      name: `${name}: capture-to-decision latency, median`,
      value: quantile(latencies(frames), 0.5),
      unit: 'ms (target < 150)',
      detail: latencyDetail(frames),
    },
    {
      name: `${name}: event-loop delay p99`,
      value: run.eventLoop.p99,
      unit: 'ms (target < 20)',
      detail: `p50 ${run.eventLoop.p50.toFixed(2)}, max ${run.eventLoop.max.toFixed(2)} ms; sampled every 1 ms`,
    },
  ];
}

const rssMb = () => process.memoryUsage.rss() / BYTES_PER_MB;

/**
 * Clip A replayed at its own frame rate, as a 30 fps camera would deliver it (the newest frame
 * taken, older ones dropped), for `minutes`: RSS is sampled after each pass; growth is measured
 * from the end of the first pass (models loaded, buffers sized) to the end of the last.
 */
async function benchRealtime(
  engine: FaceEngine,
  clip: string,
  label: string,
  options: LiveBenchOptions,
  progress: (message: string) => void,
): Promise<BenchRow[]> {
  const until = performance.now() + options.minutes * 60_000;
  const samples: number[] = [];
  const frames: FrameEvent[] = [];
  const delays: EventLoopDelay[] = [];
  let processed = 0;
  let dropped = 0;
  let seconds = 0;
  for (let pass = 1; performance.now() < until; pass++) {
    progress(`real time: ${label}, pass ${pass}, RSS ${rssMb().toFixed(0)} MB`);
    const run = await runLoop(engine, {
      source: { kind: 'file', path: clip },
      config: { detectEvery: options.detectEvery, metricsIntervalMs: 0 },
    });
    samples.push(rssMb());
    // Latency and delay from every pass; only the frame times are kept, not the passes' events.
    frames.push(...run.frames);
    delays.push(run.eventLoop);
    processed += run.summary.framesProcessed;
    dropped += run.summary.framesDropped;
    seconds += run.summary.durationMs / 1000;
  }
  const growth = (samples.at(-1) ?? 0) - (samples[0] ?? 0);
  const name = `live, ${label}, real time (30 fps, newest frame first)`;
  const worstP99 = Math.max(...delays.map((delay) => delay.p99));
  return [
    {
      name: `${name}: frames processed`,
      value: processed / seconds,
      unit: 'frames/s',
      detail: `${processed} processed and ${dropped} dropped in ${seconds.toFixed(0)} s over ${samples.length} passes`,
    },
    {
      name: `${name}: capture-to-decision latency, median`,
      value: quantile(latencies(frames), 0.5),
      unit: 'ms (target < 150)',
      detail: latencyDetail(frames),
    },
    {
      name: `${name}: event-loop delay p99`,
      value: quantile(sorted(delays.map((delay) => delay.p99)), 0.5),
      unit: 'ms (target < 20)',
      detail: `median of the passes' p99; worst pass ${worstP99.toFixed(2)} ms`,
    },
    {
      name: `${name}: RSS growth over ${options.minutes} min`,
      value: growth,
      unit: 'MB (target < 20)',
      detail:
        `RSS after pass 1 ${(samples[0] ?? 0).toFixed(0)} MB, after pass ${samples.length} ${(samples.at(-1) ?? 0).toFixed(0)} MB, ` +
        `highest ${Math.max(...samples).toFixed(0)} MB`,
    },
  ];
}

export interface LiveBenchOptions {
  /** How long the real-time loop replays clip A, for RSS growth. */
  readonly minutes: number;
  /** Frames per clip in the as-fast-as-possible runs; undefined: the whole clip. */
  readonly frames: number | undefined;
  readonly engine: Partial<EngineConfig>;
  /** Detection on every k-th frame, tracking between. */
  readonly detectEvery: number;
}

/** The live rows and a line describing the setup; nothing (and why) without the shared clips. */
export async function benchLiveLoop(
  options: LiveBenchOptions,
  progress: (message: string) => void,
): Promise<{ rows: BenchRow[]; note: string }> {
  const config = engineConfigSchema.parse(options.engine);
  const setup =
    `live loop: detector ${config.detector}, ${config.landmarkRefinements} landmark refinements, ` +
    `mirrored embedding ${config.mirrorEmbedding}, ${config.workers} inference worker(s); detection every ${options.detectEvery} frame(s)`;
  if (!hasSharedData) return { rows: [], note: `${setup}; nothing measured: ${sharedDataSkipReason}` };
  const folder = mkdtempSync(join(tmpdir(), 'clockface-bench-live-'));
  try {
    progress('live loop: framing the shared clips to 640x480');
    const clipA = await frameTo640x480(sharedPath('video', 'talking-head-a.mp4'), join(folder, 'a-640x480.mp4'));
    const clipB = await frameTo640x480(sharedPath('video', 'talking-head-b.mp4'), join(folder, 'b-640x480.mp4'));
    const engine = await FaceEngine.open({ modelsDir, dbPath: join(folder, 'bench.db'), config: options.engine });
    try {
      await enrolFirstFrame(engine, clipA, folder);
      const rows = [
        ...(await benchFast(engine, clipA, 'talking-head-a at 640x480 (enrolled)', options, progress)),
        ...(await benchFast(engine, clipB, 'talking-head-b at 640x480 (unknown)', options, progress)),
        ...(await benchRealtime(engine, clipA, 'talking-head-a at 640x480', options, progress)),
      ];
      return { rows, note: setup };
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
