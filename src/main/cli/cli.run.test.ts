import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import cv from '../engine/cv.js';
import { parseSource, VideoSource } from '../engine/live/videoSource.js';
import { modelsDir, useCliWorkspace, type CliRun, type CliWorkspace } from './cliTestSupport.js';

/** `clockface run` and `clockface demo` as a user runs them, in child processes. */

const cliPath = join(import.meta.dirname, '../../../bin/clockface.js');
const clipA = sharedPath('video', 'talking-head-a.mp4');
const clipB = sharedPath('video', 'talking-head-b.mp4');

interface JsonLine {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Every stdout line as JSON: each must parse and carry a `type`. */
function jsonLines(run: Pick<CliRun, 'stdout'>): JsonLine[] {
  return run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as JsonLine);
}

/** Enrols A from frame 0 of talking-head-a into the workspace's database. */
async function enrolA(workspace: CliWorkspace): Promise<void> {
  const source = await VideoSource.open(parseSource(clipA), { pacing: 'fast' });
  const frame = await source.read();
  await source.close();
  if (frame === null) throw new Error('talking-head-a has no frame');
  const still = workspace.path('a.jpg');
  await cv.imwriteAsync(still, frame.bgr);
  const enrolled = await workspace.run('enroll', 'A', still);
  expect(enrolled.code).toBe(0);
}

/** Starts `clockface run` and sends Ctrl-C once a stdout line matches `when`; resolves with its exit. */
function runUntil(
  workspace: CliWorkspace,
  args: readonly string[],
  when: RegExp,
): Promise<CliRun & { sawIt: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args, '--db', workspace.db, '--models', modelsDir]);
    let stdout = '';
    let stderr = '';
    let sawIt = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sawIt && when.test(stdout)) {
        sawIt = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, sawIt }));
  });
}

describe.skipIf(!hasSharedData)(`clockface run on the shared clips (${sharedDataSkipReason})`, () => {
  const workspace = useCliWorkspace();

  it('--json prints one JSON object per line: status, identified, the check-in with her name, frames, a summary', async () => {
    await enrolA(workspace);
    const run = await workspace.run(
      'run',
      '--source',
      clipA,
      '--json',
      '--frames',
      '--pacing',
      'fast',
      '--max-frames',
      '45',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = jsonLines(run);
    expect(lines[0]).toMatchObject({ type: 'status', state: 'ok', source: clipA, detail: '512x480 at 30 fps' });
    expect(lines.filter((line) => line.type === 'identified')).toMatchObject([
      { trackId: 1, person: { name: 'A' }, votes: 3 },
    ]);
    expect(lines.filter((line) => line.type === 'attendance')).toMatchObject([
      { name: 'A', kind: 'in', already: false, trackId: 1 },
    ]);
    expect(lines.filter((line) => line.type === 'unknown')).toEqual([]);
    const frames = lines.filter((line) => line.type === 'frame');
    expect(frames).toHaveLength(45);
    expect(frames[0]).toMatchObject({ width: 512, height: 480, detected: true });
    expect(lines.at(-1)).toMatchObject({
      type: 'summary',
      interrupted: false,
      framesProcessed: 45,
      identifiedPeople: [{ name: 'A' }],
      attendance: [{ name: 'A', kind: 'in' }],
    });

    // The check-in is in the database: `export` lists it.
    const exported = await workspace.run('export', '--raw');
    expect(exported.stdout.split('\r\n')[1]).toMatch(/^\d{4}-\d\d-\d\d,\d\d:\d\d:\d\d,A,,in,0\.\d+,kiosk$/);
  });

  it('logs readable lines, and Ctrl-C stops a real-time run cleanly with a summary', async () => {
    await enrolA(workspace);
    const run = await runUntil(workspace, ['run', '--source', clipA], /A, checked in at \d\d:\d\d/);
    expect(run.sawIt).toBe(true);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('stopping (Ctrl-C again to quit at once)');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${clipA}: ok \\(512x480 at 30 fps\\)$`));
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d track 1: A \(distance 0\.\d+, 3 votes\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${clipA}: ended \\(stopped\\)$`)),
    );
    const summary = lines.slice(lines.findIndex((line) => line.startsWith('summary: ')));
    expect(summary).toHaveLength(3);
    expect(summary[0]).toMatch(
      /^summary: \d+ frame\(s\) processed \(\d+ with detection\), \d+ dropped, 0 corrupt, in \d+\.\d s$/,
    );
    expect(summary[1]).toBe('  1 track(s); identified: A; 0 unknown');
    expect(summary[2]).toMatch(/^ {2}attendance recorded: A in at \d\d:\d\d$/);
  });

  it('reports talking-head-b as unknown and records nothing', async () => {
    await enrolA(workspace);
    const run = await workspace.run('run', '--source', clipB, '--json', '--pacing', 'fast', '--max-frames', '60');
    expect(run.code).toBe(0);
    const lines = jsonLines(run);
    expect(lines.filter((line) => line.type === 'attendance')).toEqual([]);
    expect(lines.filter((line) => line.type === 'unknown')).toMatchObject([{ trackId: 1, votes: 3 }]);
    expect(lines.at(-2)).toMatchObject({ type: 'status', state: 'ended', detail: 'stopped' });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', framesProcessed: 60, unknownTracks: 1, attendance: [] });
    const exported = await workspace.run('export', '--raw');
    expect(exported.stdout).toBe('Date,Time,Name,Employee code,Kind,Distance,Source\r\n');
  });
});

describe('clockface run refuses bad input with a one-line reason', () => {
  const workspace = useCliWorkspace();

  it('says what is wrong with the source or the options', async () => {
    const cases: [string[], number, string][] = [
      [[], 2, 'clockface: --source is required'],
      [['--source', '/no/such/clip.mp4'], 2, 'clockface: /no/such/clip.mp4: is not a camera index'],
      [['--source', '0', '--pacing', 'slow'], 2, 'clockface: --pacing must be realtime or fast, got "slow"'],
      [
        ['--source', '0', '--max-frames', '0'],
        2,
        'clockface: --max-frames must be a whole number of at least 1, got "0"',
      ],
      [['--source', '0', '--detect-every', 'x'], 2, 'clockface: --detect-every must be a whole number of at least 1'],
      [['--source', '0', '--detector', 'best'], 2, 'clockface: --detector must be ssd, tiny or haar, got "best"'],
      [['--source', '0', '--width', '640', '--fps', '0'], 2, 'clockface: --fps must be a whole number of at least 1'],
    ];
    for (const [args, code, reason] of cases) {
      const run = await workspace.run('run', ...args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code, stdout: '' });
      expect(run.stderr.startsWith(reason)).toBe(true);
    }
  });

  it("refuses a file that is not a video: exit 1 with OpenCV's reason", async () => {
    const notVideo = workspace.path('notes.mp4');
    writeFileSync(notVideo, 'not a video\n'.repeat(100));
    const run = await workspace.run('run', '--source', notVideo);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    // FFmpeg may say more before it (e.g. "moov atom not found"); the reason is the last line.
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      `clockface: ${notVideo}: OpenCV cannot read it as a video (not a video, an unsupported codec, or a truncated file)`,
    );
  });
});

describe('clockface demo', () => {
  const workspace = useCliWorkspace();

  it('enrols the bundled face, recognises it in the demo clip, and writes a CSV with her one row', async () => {
    const run = await workspace.run('demo', '--dir', workspace.dir, '--json');
    expect(run.code).toBe(0);
    const lines = jsonLines(run);
    expect(lines.filter((line) => line.type === 'attendance')).toMatchObject([
      { name: 'Demo Visitor', kind: 'in', already: false },
    ]);
    const summary = lines.at(-1);
    expect(summary).toMatchObject({ type: 'summary', framesProcessed: expect.any(Number), csvRows: 1 });
    const csv = readFileSync(summary?.['csv'] as string, 'utf8').split('\r\n');
    expect(csv[0]).toBe('Date,Name,Employee code,First in,Last out,Total');
    expect(csv[1]).toMatch(/^\d{4}-\d\d-\d\d,Demo Visitor,,\d\d:\d\d,,$/);
    expect(csv.slice(2)).toEqual(['']);
    expect(summary?.['csv']).toBe(join(summary?.['folder'] as string, 'attendance.csv'));
    expect((summary?.['folder'] as string).startsWith(join(workspace.dir, 'clockface-demo-'))).toBe(true);
  });

  it('tells people what it did in readable lines', async () => {
    const run = await workspace.run('demo', '--dir', workspace.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^building the demo clip in .*clockface-demo-\w+\n {2}120 frames, 640x480 at 15 fps \(mp4v\)\n/,
    );
    expect(run.stdout).toMatch(/\n\d\d:\d\d:\d\d Demo Visitor, checked in at \d\d:\d\d\n/);
    expect(run.stdout).toMatch(/\nattendance for \d{4}-\d\d-\d\d \(1 row\(s\)\) written to .*attendance\.csv\n/);
  });
});
