import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { sharedPath } from '../../../test/support/sharedData.js';

/** Test support: the real `clockface` command in child processes, each test with its own database. */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cliPath = join(repoRoot, 'bin', 'clockface.js');
export const modelsDir = join(repoRoot, 'resources', 'models');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/clockface.js <args>` as a shell would, resolving with its exit code and output. */
export function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // A numeric code is the command's exit status; anything else (a signal, a failed spawn) is the test's problem.
        if (error && typeof error.code !== 'number') reject(error);
        else resolveRun({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** `enroll --json`: one outcome per photo. */
export interface EnrolReport {
  name: string;
  outcomes: (
    | { file: string; ok: true; templateId: number; box: number[] }
    | { file: string; ok: false; reason: string; message: string }
  )[];
}

/** One photo of `identify --json`: its faces, or why it was skipped. */
export interface IdentifyEntry {
  image: string;
  faces?: { box: number[]; name: string | null; distance: number }[];
  error?: string;
}

/** The command's one JSON document (it was run with --json). */
export function parseJson<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

export const bbtPhoto = (person: string, index: number): string =>
  sharedPath('bbt', 'people', person, `${person}${index}.png`);

export interface CliWorkspace {
  /** This test's temp folder. */
  readonly dir: string;
  /** This test's database (created by the first command that opens it). */
  readonly db: string;
  path(...parts: string[]): string;
  /** Runs clockface with this test's --db and the repository's --models. */
  run(...args: string[]): Promise<CliRun>;
  /** Starts this test's database as a copy of `source` (a database no process has open). */
  copyDatabase(source: string): void;
}

/** A fresh temp folder and database per test, deleted after it. */
export function useCliWorkspace(): CliWorkspace {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get db() {
      return join(dir, 'clockface.db');
    },
    path: (...parts) => join(dir, ...parts),
    run: (...args) => runCli([...args, '--db', join(dir, 'clockface.db'), '--models', modelsDir]),
    copyDatabase: (source) => {
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(`${source}${suffix}`)) copyFileSync(`${source}${suffix}`, join(dir, `clockface.db${suffix}`));
      }
    },
  };
}

export interface SeedDatabase {
  /** The seeded database file: copy it, never change it. */
  readonly path: string;
  /** The two enrolment runs: amy from amy1.png (person 1), howard from howard1.png (person 2). */
  readonly amy: CliRun;
  readonly howard: CliRun;
}

/**
 * A database with amy and howard enrolled from their first bbt photo, made once per test file (two
 * CLI runs) and copied by the tests that start from it.
 */
export function useSeedDatabase(): () => SeedDatabase {
  let dir = '';
  let seed: SeedDatabase | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-cli-seed-'));
    const path = join(dir, 'seed.db');
    const enrol = (name: string) =>
      runCli(['enroll', name, bbtPhoto(name, 1), '--json', '--db', path, '--models', modelsDir]);
    const amy = await enrol('amy');
    const howard = await enrol('howard');
    seed = { path, amy, howard };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!seed) throw new Error('the seed database is made in beforeAll');
    return seed;
  };
}
