import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { hasSharedData, sharedPath } from '../../../test/support/sharedData.js';
import { modelsDir } from '../cli/cliTestSupport.js';
import { FaceEngine } from '../engine/faceEngine.js';
import { PeopleService, type EnrolProgress } from './people.js';

/** Test support for the services: the real engine on the real bbt faces, each test on its own database. */

export { modelsDir };
export const bbtPeopleDir = (): string => sharedPath('bbt', 'people');
export const bbtPhoto = (person: string, index: number): string =>
  sharedPath('bbt', 'people', person, `${person}${index}.png`);

export interface EnrolledBbt {
  /** The folder import that made the gallery, as the admin screen's import reports it. */
  readonly imported: Awaited<ReturnType<PeopleService['importFolder']>>;
  /** Its progress events, in order. */
  readonly progress: readonly EnrolProgress[];
  /** An engine on a fresh copy of the enrolled database, closed after the test. */
  openCopy(): Promise<FaceEngine>;
}

/**
 * The eight bbt people imported once per test file (`<bbt>/people/<name>/<photos>`, through
 * PeopleService.importFolder); tests open copies, so none sees another's changes. Call inside a
 * describe that is skipped without the shared data.
 */
export function useEnrolledBbt(): () => EnrolledBbt {
  let dir = '';
  let fixture: EnrolledBbt | undefined;
  const engines: FaceEngine[] = [];
  beforeAll(async () => {
    if (!hasSharedData) return;
    dir = mkdtempSync(join(tmpdir(), 'clockface-services-'));
    const seed = join(dir, 'bbt.db');
    const engine = await FaceEngine.open({ modelsDir, dbPath: seed, actor: 'admin' });
    const progress: EnrolProgress[] = [];
    let imported: EnrolledBbt['imported'];
    try {
      imported = await new PeopleService(engine).importFolder(bbtPeopleDir(), {
        onProgress: (event) => progress.push(event),
      });
    } finally {
      await engine.close();
    }
    let copies = 0;
    fixture = {
      imported,
      progress,
      openCopy: async () => {
        const copy = join(dir, `copy-${++copies}.db`);
        for (const suffix of ['', '-wal', '-shm']) {
          if (existsSync(`${seed}${suffix}`)) copyFileSync(`${seed}${suffix}`, `${copy}${suffix}`);
        }
        const opened = await FaceEngine.open({ modelsDir, dbPath: copy, actor: 'admin' });
        engines.push(opened);
        return opened;
      },
    };
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!fixture) throw new Error('the enrolled bbt gallery is made in beforeAll (and needs the shared data)');
    return fixture;
  };
}
