import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { attendanceDayOf } from '../engine/attendance/attendanceRules.js';
import { readAttendanceSettings } from '../engine/attendance/attendanceService.js';
import { exportAttendanceCsv } from '../engine/attendance/csvExport.js';
import cv from '../engine/cv.js';
import { writeBundledDemoClip } from '../engine/live/demoClip.js';
import { VideoSource } from '../engine/live/videoSource.js';
import type { Command } from './commands.js';
import { CommandError } from './output.js';
import { openLiveEngine, printSummary, runLive } from './runCommand.js';

/** Who the demo enrols: the woman in the middle of face-api's sample photo. */
const DEMO_PERSON = 'Demo Visitor';

/**
 * `clockface demo`: the kiosk end to end on a machine with no camera and no data of its own. It
 * films a photo that ships with @vladmandic/face-api (a slow pan and zoom onto one face), enrols
 * that face from the clip's first frame into a fresh database, runs the live loop on the clip as
 * fast as it decodes, prints the attendance and writes it as CSV. Everything goes into a new
 * folder (under --dir, or the system's temp folder), which it names at the end.
 */
export const demoCommand: Command = {
  usage: '[--dir <folder>] [--detector ssd|tiny|haar]',
  summary: 'the kiosk on a demo clip made from a bundled photo: enrol, recognise, record, export CSV',
  options: { dir: { type: 'string' }, detector: { type: 'string' } },
  async run(context) {
    if (context.positionals.length > 0) throw new CommandError('usage: clockface demo [--dir <folder>]', 2);
    const { output } = context;
    const base = typeof context.options['dir'] === 'string' ? resolve(context.options['dir']) : tmpdir();
    const folder = newFolder(base);

    output.line(`building the demo clip in ${folder}`);
    const clip = await writeBundledDemoClip(folder);
    output.line(`  ${clip.frameCount} frames, ${clip.width}x${clip.height} at ${clip.fps} fps (${clip.codec})`);
    const still = join(folder, 'enrolment-still.jpg');
    await writeFirstFrame(clip.path, still);

    const database = join(folder, 'clockface.db');
    const engine = await openLiveEngine(context, database);
    try {
      const [enrolment] = await engine.enrol(DEMO_PERSON, [still]);
      if (!enrolment?.ok) {
        throw new CommandError(`the demo could not enrol its face: ${enrolment?.message ?? 'no outcome'}`);
      }
      output.line(`enrolled ${DEMO_PERSON} from ${still}`);
      output.line(`running the live loop on ${clip.path}`);
      const run = await runLive(
        engine,
        { source: { kind: 'file', path: clip.path }, sourceOptions: { pacing: 'fast' }, config: { delivery: 'every' } },
        { json: output.json, frames: false },
      );

      const { dayBoundary } = readAttendanceSettings(engine.store.settings);
      const today = attendanceDayOf(new Date(), dayBoundary).date;
      const csv = exportAttendanceCsv(engine.store, { from: today, to: today });
      const csvPath = join(folder, 'attendance.csv');
      writeFileSync(csvPath, csv);
      // RFC 4180 records end in CRLF; the demo's one name holds no line break.
      const csvRows = csv.split('\r\n').length - 2;
      printSummary(run, output.json, { folder, clip: clip.path, database, csv: csvPath, csvRows });
      output.line(`attendance for ${today} (${csvRows} row(s)) written to ${csvPath}`);
      output.line(`the demo's database is ${database}; see it with: clockface people --db ${database}`);
      if (run.attendance.length === 0) throw new CommandError(`the live loop did not recognise ${DEMO_PERSON}`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};

function newFolder(base: string): string {
  try {
    mkdirSync(base, { recursive: true });
    return mkdtempSync(join(base, 'clockface-demo-'));
  } catch (error) {
    throw new CommandError(`cannot create the demo folder in ${base} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** The clip's first frame as a JPEG: the one still the demo enrols from. */
async function writeFirstFrame(clipPath: string, stillPath: string): Promise<void> {
  const source = await VideoSource.open({ kind: 'file', path: clipPath }, { pacing: 'fast' });
  try {
    const frame = await source.read();
    if (frame === null) throw new CommandError(`${clipPath}: the demo clip has no frame`);
    await cv.imwriteAsync(stillPath, frame.bgr);
    frame.bgr.release();
  } finally {
    await source.close();
  }
}
