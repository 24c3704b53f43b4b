import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ModelSet } from '../engine/models/modelSet.js';
import { hasSharedData, sharedDataSkipReason } from '../../../test/support/sharedData.js';
import {
  bbtPhoto,
  modelsDir,
  parseJson,
  runCli,
  useCliWorkspace,
  useSeedDatabase,
  type CliRun,
  type IdentifyEntry,
} from './cliTestSupport.js';

/**
 * The `clockface` command against a damaged, out-of-date or busy database, and against bad
 * command lines: a clear one-line reason, the right exit code, nothing stored lost.
 */

const names = (run: CliRun): string[] =>
  parseJson<IdentifyEntry[]>(run).flatMap((entry) => (entry.faces ?? []).map((face) => face.name ?? 'unknown'));

/** Opens the test's database as another program would, runs `change`, closes it. */
function withRawDatabase<T>(path: string, change: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return change(db);
  } finally {
    db.close();
  }
}

describe.skipIf(!hasSharedData)(
  `clockface with a damaged, foreign-model or locked database (${hasSharedData ? 'bbt photos' : sharedDataSkipReason})`,
  () => {
    const seed = useSeedDatabase();
    const cli = useCliWorkspace();

    it('warns about corrupt template rows, leaves them out, and keeps working with the rest', async () => {
      cli.copyDatabase(seed().path);
      withRawDatabase(cli.db, (db) => {
        // A blob of the wrong length (the schema's CHECK has to be switched off to write one) …
        db.pragma('ignore_check_constraints = ON');
        db.prepare('UPDATE templates SET embedding = zeroblob(100) WHERE person_id = 2').run();
        db.pragma('ignore_check_constraints = OFF');
        // … and one of the right length holding NaN.
        const nan = Buffer.alloc(512);
        nan.writeFloatLE(Number.NaN, 0);
        db.prepare(
          `INSERT INTO templates (person_id, model_id, dimension, embedding, quality, source, created_at)
           SELECT person_id, model_id, dimension, ?, quality, 'nan.png', created_at FROM templates WHERE id = 2`,
        ).run(nan);
      });
      const warnings =
        'clockface: warning: template 2 of "howard" (person 2) is corrupt (embedding is 100 bytes, expected 512 (128 float32 values)): re-enrol this person\n' +
        'clockface: warning: template 3 of "howard" (person 2) is corrupt (embedding value 0 is NaN): re-enrol this person\n';

      const identified = await cli.run('identify', bbtPhoto('amy', 2), bbtPhoto('howard', 2), '--json');
      expect(identified.code).toBe(0);
      expect(identified.stderr).toBe(warnings);
      expect(names(identified)).toEqual(['amy', 'unknown']);

      // Howard can enrol again while the bad rows are still there, and is then recognised.
      const enrolled = await cli.run('enroll', 'howard', bbtPhoto('howard', 2), '--json');
      expect(enrolled.code).toBe(0);
      expect(enrolled.stderr).toBe(warnings);
      const people = await cli.run('people');
      expect(people).toEqual({ code: 0, stdout: 'amy: 1 template(s)\nhoward: 3 template(s)\n', stderr: warnings });
      expect(names(await cli.run('identify', bbtPhoto('howard', 3), '--json'))).toEqual(['howard']);
    });

    it('refuses templates of another model with a message naming "clockface templates prune-stale", which fixes it', async () => {
      cli.copyDatabase(seed().path);
      withRawDatabase(cli.db, (db) =>
        db.prepare("UPDATE templates SET model_id = 'faceRecognition@0123456789abcdef' WHERE person_id = 2").run(),
      );
      const currentModel = ModelSet.open(modelsDir).descriptorModelId();
      expect(currentModel).toMatch(/^faceRecognition@[0-9a-f]{16}$/);
      const mismatch =
        `clockface: 1 template was made by model faceRecognition@0123456789abcdef; this engine uses ${currentModel}: ` +
        're-enrol those people, or run "clockface templates prune-stale" to delete the old templates\n';
      expect(await cli.run('identify', bbtPhoto('amy', 2), '--json')).toEqual({
        code: 1,
        stdout: '',
        stderr: mismatch,
      });
      expect(await cli.run('people')).toEqual({ code: 1, stdout: '', stderr: mismatch });

      expect(await cli.run('templates', 'prune-stale', '--json')).toEqual({
        code: 0,
        stdout: '{\n  "deleted": 1\n}\n',
        stderr: '',
      });
      expect(await cli.run('templates', 'prune-stale')).toEqual({
        code: 0,
        stdout: 'deleted 0 template(s) made by another model\n',
        stderr: '',
      });
      const identified = await cli.run('identify', bbtPhoto('amy', 2), bbtPhoto('howard', 2), '--json');
      expect(identified.code).toBe(0);
      expect(names(identified)).toEqual(['amy', 'unknown']);
      expect((await cli.run('people')).stdout).toBe('amy: 1 template(s)\nhoward: 0 template(s)\n');
    });

    it('fails cleanly when another process holds the write lock, writing nothing', async () => {
      cli.copyDatabase(seed().path);
      const count = (db: Database.Database, table: string) =>
        db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      const holder = new Database(cli.db);
      let run: CliRun;
      try {
        holder.exec('BEGIN IMMEDIATE');
        run = await cli.run('enroll', 'penny', bbtPhoto('penny', 5), '--json');
        holder.exec('ROLLBACK');
        expect([count(holder, 'people'), count(holder, 'templates'), count(holder, 'audit_log')]).toEqual([2, 2, 4]);
      } finally {
        holder.close();
      }
      // It waited out the busy timeout, then gave up before writing anything.
      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: `clockface: database is locked by another Clockface process: ${cli.db}\n`,
      });
      // Once the lock is gone the same command goes through.
      const retried = await cli.run('enroll', 'penny', bbtPhoto('penny', 5), '--json');
      expect(retried.code).toBe(0);
      expect(parseJson<{ outcomes: { ok: boolean }[] }>(retried).outcomes.map((o) => o.ok)).toEqual([true]);
    });
  },
);

describe('clockface with a bad command line', () => {
  const cli = useCliWorkspace();

  it('exits 2 with the usage or the reason, before touching any database', async () => {
    const photo = bbtPhoto('amy', 2);
    const [
      unknown,
      none,
      enrolWithoutPhotos,
      identifyNothing,
      verifyOne,
      removeNobody,
      badThreshold,
      bigThreshold,
      badDetector,
      badOption,
      badAction,
    ] = await Promise.all([
      cli.run('bogus'),
      // No command at all (the workspace's run adds --db, which would read as the command).
      runCli([]),
      cli.run('enroll', 'amy'),
      cli.run('identify'),
      cli.run('verify', photo),
      cli.run('remove'),
      cli.run('identify', photo, '--threshold', 'abc'),
      cli.run('verify', photo, photo, '--threshold', '5'),
      cli.run('identify', photo, '--detector', 'fast'),
      cli.run('people', '--colour'),
      cli.run('templates', 'prune'),
    ]);
    for (const run of [unknown, none]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/\nusage: clockface <command> \[options\]\n\ncommands:\n {2}describe <image\.\.\.> /);
      for (const command of ['enroll', 'import', 'people', 'remove', 'identify', 'verify', 'templates prune-stale']) {
        expect(run.stderr).toContain(`\n  ${command} `);
      }
    }
    expect(unknown.stderr).toMatch(/^clockface: unknown command "bogus"\n/);
    expect(none.stderr).toMatch(/^clockface: no command given\n/);

    const failure = (stderr: string) => ({ code: 2, stdout: '', stderr: `clockface: ${stderr}\n` });
    expect(enrolWithoutPhotos).toEqual(failure('usage: clockface enroll <name> <image...>'));
    expect(identifyNothing).toEqual(failure('usage: clockface identify <image...>'));
    expect(verifyOne).toEqual(failure('usage: clockface verify <a> <b>'));
    expect(removeNobody).toEqual(failure('usage: clockface remove <name>'));
    expect(badThreshold).toEqual(failure('--threshold must be a number, got "abc"'));
    expect(bigThreshold).toEqual(failure('invalid --threshold "5": Too big: expected number to be <=2'));
    expect(badDetector).toEqual(
      failure('invalid --detector "fast": Invalid option: expected one of "ssd"|"tiny"|"haar"'),
    );
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/^clockface: people: Unknown option '--colour'/);
    expect(badAction).toEqual(failure('unknown templates action "prune"'));
    expect(existsSync(cli.db)).toBe(false);
  });

  it('exits 1 when the folder to import is missing or a file', async () => {
    expect(await cli.run('import', cli.path('staff'))).toEqual({
      code: 1,
      stdout: '',
      stderr: `clockface: ${cli.path('staff')}: folder not found\n`,
    });
    const file = cli.path('staff.txt');
    writeFileSync(file, 'not a folder');
    expect(await cli.run('import', file)).toEqual({
      code: 1,
      stdout: '',
      stderr: `clockface: ${file} is not a folder\n`,
    });
    expect(existsSync(cli.db)).toBe(false);
  });
});
