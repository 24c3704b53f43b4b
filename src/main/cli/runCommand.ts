import { describeAnnouncement } from '../engine/attendance/attendanceService.js';
import { formatClockTime } from '../engine/attendance/attendanceRules.js';
import { engineConfigSchema } from '../engine/config.js';
import { FaceEngine } from '../engine/faceEngine.js';
import type { LiveEvent } from '../engine/live/events.js';
import { LiveLoop, type LiveLoopOptions, type LiveSummary } from '../engine/live/liveLoop.js';
import { parseSource, VideoSourceError, type SourceSpec } from '../engine/live/videoSource.js';
import type { Command, CommandContext } from './commands.js';
import { CommandError, round } from './output.js';

const USAGE =
  '--source <index|file|url> [--width W --height H --fps F] [--frames] [--pacing realtime|fast] [--max-frames N] [--detect-every K] [--detector ssd|tiny|haar]';

/**
 * `clockface run`: the live loop on a camera, a video file or a stream, checking people in and out
 * as they are recognised, with events as readable lines or (--json) one JSON object per line.
 * Ctrl-C stops cleanly: the frame in hand is finished and a summary printed.
 */
export const runCommand: Command = {
  usage: USAGE,
  summary: 'the live loop on a camera, video file or stream: recognise people and record their attendance',
  options: {
    source: { type: 'string' },
    // What to ask a camera for; it may deliver another size or rate, which the status line reports.
    width: { type: 'string' },
    height: { type: 'string' },
    fps: { type: 'string' },
    frames: { type: 'boolean', default: false },
    pacing: { type: 'string' },
    'max-frames': { type: 'string' },
    'detect-every': { type: 'string' },
    detector: { type: 'string' },
  },
  async run(context) {
    if (context.positionals.length > 0) throw new CommandError(`usage: clockface run ${USAGE}`, 2);
    const sourceText = context.options['source'];
    if (typeof sourceText !== 'string')
      throw new CommandError(`--source is required\nusage: clockface run ${USAGE}`, 2);
    const source = sourceSpec(sourceText);
    const pacing = pacingOption(context.options['pacing']);
    const maxFrames = wholeNumberOption(context, 'max-frames');
    const detectEvery = wholeNumberOption(context, 'detect-every');
    const requested = Object.fromEntries(
      (['width', 'height', 'fps'] as const).flatMap((name) => {
        const value = wholeNumberOption(context, name);
        return value === undefined ? [] : [[name, value]];
      }),
    ) as { width?: number; height?: number; fps?: number };
    const engine = await openLiveEngine(context);
    try {
      const summary = await runLive(
        engine,
        {
          source,
          sourceOptions: { ...requested, ...(pacing === undefined ? {} : { pacing }) },
          config: {
            // Fast: every frame of the file, as fast as the loop takes them (dropping some would only lose data).
            ...(pacing === 'fast' ? { delivery: 'every' } : {}),
            ...(detectEvery === undefined ? {} : { detectEvery }),
          },
          ...(maxFrames === undefined ? {} : { maxFrames }),
        },
        { json: context.output.json, frames: context.options['frames'] === true },
      );
      printSummary(summary, context.output.json);
      return exitCodeOf(source, summary, maxFrames);
    } finally {
      await engine.close();
    }
  },
};

export interface LivePrintOptions {
  readonly json: boolean;
  /** Print `frame` events too (many per second). */
  readonly frames: boolean;
}

/** How the loop's run ended, beyond the summary's numbers. */
export interface LiveRun extends LiveSummary {
  /** Stopped by Ctrl-C (SIGINT) rather than by the source ending. */
  readonly interrupted: boolean;
}

/**
 * Runs the live loop until its source ends, `maxFrames`, or Ctrl-C, printing every event as it
 * comes. A second Ctrl-C quits at once.
 */
export async function runLive(engine: FaceEngine, options: LiveLoopOptions, print: LivePrintOptions): Promise<LiveRun> {
  let loop: LiveLoop;
  try {
    loop = new LiveLoop(engine, options);
  } catch (error) {
    if (error instanceof RangeError) throw new CommandError(error.message, 2);
    throw error;
  }
  loop.on((event) => {
    if (event.type === 'frame' && !print.frames) return;
    process.stdout.write(`${print.json ? JSON.stringify(event) : describeEvent(event)}\n`);
  });
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('stopping (Ctrl-C again to quit at once)\n');
    void loop.stop();
  };
  process.on('SIGINT', onInterrupt);
  try {
    try {
      await loop.start();
    } catch (error) {
      if (error instanceof VideoSourceError) throw new CommandError(error.message);
      throw error;
    }
    return { ...(await loop.done()), interrupted };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** 0 when the run ended as it should (a file's end, Ctrl-C, --max-frames); 1 when a camera or stream was given up on. */
function exitCodeOf(source: SourceSpec, run: LiveRun, maxFrames: number | undefined): number {
  const stoppedOnPurpose = run.interrupted || (maxFrames !== undefined && run.framesProcessed >= maxFrames);
  if (source.kind === 'file' || stoppedOnPurpose) return 0;
  const status = run.lastStatus;
  throw new CommandError(`${status?.source ?? 'the source'}: ${status?.detail ?? 'ended'}`);
}

/** The engine as `run` and `demo` open it, warning about stored templates it had to leave out. */
export async function openLiveEngine(context: CommandContext, dbPath = context.dbPath): Promise<FaceEngine> {
  const detector = context.options['detector'];
  const parsed = engineConfigSchema.shape.detector.safeParse(detector);
  if (detector !== undefined && !parsed.success) {
    throw new CommandError(`--detector must be ssd, tiny or haar, got "${String(detector)}"`, 2);
  }
  const engine = await FaceEngine.open({
    modelsDir: context.modelsDir,
    dbPath,
    config: parsed.success && detector !== undefined ? { detector: parsed.data } : {},
    actor: 'cli',
  });
  for (const skipped of engine.skippedTemplates) context.output.note(`clockface: warning: ${skipped.message}`);
  return engine;
}

function sourceSpec(text: string): SourceSpec {
  try {
    return parseSource(text);
  } catch (error) {
    if (error instanceof VideoSourceError) throw new CommandError(error.message, 2);
    throw error;
  }
}

function pacingOption(value: string | boolean | undefined): 'realtime' | 'fast' | undefined {
  if (value === undefined || value === 'realtime' || value === 'fast') return value;
  throw new CommandError(`--pacing must be realtime or fast, got "${String(value)}"`, 2);
}

function wholeNumberOption(context: CommandContext, name: string): number | undefined {
  const value = context.options[name];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || number < 1) {
    throw new CommandError(`--${name} must be a whole number of at least 1, got "${String(value)}"`, 2);
  }
  return number;
}

const clock = (at: Date): string => at.toTimeString().slice(0, 8);
const ms = (value: number): string => `${Math.round(value)} ms`;

/** One readable line per event. */
export function describeEvent(event: LiveEvent): string {
  const time = clock(event.at);
  switch (event.type) {
    case 'status':
      return `${time} ${event.source}: ${event.state}${event.detail ? ` (${event.detail})` : ''}`;
    case 'identified':
      return `${time} track ${event.trackId}: ${event.person.name} (distance ${round(event.distance, 3)}, ${event.votes} votes)`;
    case 'unknown':
      return `${time} track ${event.trackId}: unknown person (${event.votes} votes)`;
    case 'attendance':
      return `${time} ${describeAnnouncement(event)}`;
    case 'error':
      return `${time} error: ${event.message}`;
    case 'metrics': {
      const latency = event.latencyMs
        ? `latency ${ms(event.latencyMs.median)} median, ${ms(event.latencyMs.p95)} p95`
        : 'no frames';
      return (
        `${time} ${event.fps.toFixed(1)} fps, ${event.framesDropped} dropped, ${event.corruptFrames} corrupt, ${latency}, ` +
        `event-loop delay p99 ${ms(event.eventLoopDelayP99Ms)}, RSS ${Math.round(event.rssMb)} MB`
      );
    }
    case 'frame': {
      const faces = event.faces.map((face) => `#${face.trackId} ${face.name ?? face.decision}`).join(', ');
      return `${time} frame ${event.index}${event.detected ? ' (detected)' : ''}: ${faces || 'no face'}, ${ms(event.latencyMs)}`;
    }
  }
}

/** The run's summary: readable lines, or (json) one `{"type":"summary",…}` line with `extra` added. */
export function printSummary(run: LiveRun, json: boolean, extra: Readonly<Record<string, unknown>> = {}): void {
  process.stdout.write(`${json ? JSON.stringify({ type: 'summary', ...run, ...extra }) : describeSummary(run)}\n`);
}

function describeSummary(summary: LiveSummary): string {
  const committed = summary.attendance.filter((event) => !event.already);
  const recorded = committed.map((event) => `${event.name} ${event.kind} at ${formatClockTime(event.at)}`);
  return [
    `summary: ${summary.framesProcessed} frame(s) processed (${summary.detections} with detection), ` +
      `${summary.framesDropped} dropped, ${summary.corruptFrames} corrupt, in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  ${summary.tracks} track(s); identified: ${summary.identifiedPeople.map((person) => person.name).join(', ') || 'nobody'}; ` +
      `${summary.unknownTracks} unknown`,
    `  attendance recorded: ${recorded.join(', ') || 'none'}` +
      `${summary.attendance.length > committed.length ? ` (${summary.attendance.length - committed.length} "already")` : ''}` +
      `${summary.attendanceErrors > 0 ? `; ${summary.attendanceErrors} could not be recorded` : ''}`,
  ].join('\n');
}
