import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason } from '../../../test/support/sharedData.js';
import cv from '../engine/cv.js';
import { StoreError } from '../engine/store/index.js';
import { ImportFolderError, PeopleService, type EnrolProgress } from './people.js';
import { bbtPhoto, useEnrolledBbt } from './serviceTestSupport.js';

/** The pixels of a `data:image/jpeg;base64,` thumbnail. */
function decodeThumbnail(dataUrl: string | null) {
  const prefix = 'data:image/jpeg;base64,';
  expect(dataUrl?.startsWith(prefix)).toBe(true);
  return cv.imdecode(Buffer.from((dataUrl ?? '').slice(prefix.length), 'base64'));
}

describe.skipIf(!hasSharedData)(
  `people service on the real engine (${hasSharedData ? 'bbt photos' : sharedDataSkipReason})`,
  () => {
    const bbt = useEnrolledBbt();
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'clockface-people-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('imports a <person>/<photos> folder photo by photo, with progress and a result per photo', () => {
      const { imported, progress } = bbt();
      expect(imported.enrolled).toBe(37);
      expect(imported.rejected).toBe(3);
      expect(imported.people).toEqual([
        { name: 'amy', enrolled: 5, rejected: 0 },
        { name: 'bernadette', enrolled: 5, rejected: 0 },
        { name: 'howard', enrolled: 5, rejected: 0 },
        { name: 'leonard', enrolled: 4, rejected: 1 },
        { name: 'penny', enrolled: 5, rejected: 0 },
        { name: 'raj', enrolled: 5, rejected: 0 },
        { name: 'sheldon', enrolled: 5, rejected: 0 },
        { name: 'stuart', enrolled: 3, rejected: 2 },
      ]);
      expect(imported.results.filter((r) => !r.ok).map((r) => (r.ok ? '' : `${r.person} ${r.reason}`))).toEqual([
        'leonard no-face',
        'stuart no-face',
        'stuart low-quality',
      ]);
      expect(progress.map((p: EnrolProgress) => `${p.done}/${p.total}`)).toEqual(
        Array.from({ length: 40 }, (_, i) => `${i + 1}/40`),
      );
      expect(progress[0]?.result).toMatchObject({ file: bbtPhoto('amy', 1), ok: true, person: 'amy' });
      expect(progress.map((p) => p.result)).toEqual(imported.results);
    });

    it('lists everyone with template counts and a 96x96 JPEG face thumbnail', async () => {
      const people = new PeopleService(await bbt().openCopy());
      const list = people.list();
      expect(list.map((p) => [p.name, p.templateCount, p.active, p.lastSeen])).toEqual([
        ['amy', 5, true, null],
        ['bernadette', 5, true, null],
        ['howard', 5, true, null],
        ['leonard', 4, true, null],
        ['penny', 5, true, null],
        ['raj', 5, true, null],
        ['sheldon', 5, true, null],
        ['stuart', 3, true, null],
      ]);
      for (const person of list) {
        const thumbnail = decodeThumbnail(person.thumbnail);
        expect([thumbnail.cols, thumbnail.rows]).toEqual([96, 96]);
        // bbt photos are greyscale: the thumbnail is a grey face, neither black nor blank.
        const mean = thumbnail.mean();
        expect(mean.w).toBeGreaterThan(60);
        expect(mean.w).toBeLessThan(200);
      }
    });

    it('shows when a person was last seen', async () => {
      const engine = await bbt().openCopy();
      const people = new PeopleService(engine);
      const amy = people.list()[0];
      const seen = new Date('2025-06-10T08:59:00Z');
      engine.store.attendance.record({
        personId: amy?.id ?? 0,
        occurredAt: seen,
        kind: 'in',
        distance: 0.3,
        source: 'kiosk',
      });
      expect(people.get(amy?.id ?? 0).lastSeen).toBe(seen.getTime());
    });

    it('enrols photos of a new person, refusing each bad photo with its reason', async () => {
      const engine = await bbt().openCopy();
      const people = new PeopleService(engine);
      const blank = join(dir, 'blank.png');
      cv.imwrite(blank, new cv.Mat(200, 200, cv.CV_8UC3, [128, 128, 128]));
      const text = join(dir, 'notes.jpg');
      writeFileSync(text, 'not a photo');
      const progress: EnrolProgress[] = [];
      const outcome = await people.enrolFiles(
        { name: 'Sheldon Cooper', employeeCode: 'E-73', paths: [blank, text, bbtPhoto('sheldon', 1)] },
        (event) => progress.push(event),
      );
      expect(outcome.results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
        'no-face',
        'unreadable-image',
        'duplicate-of-another-person',
      ]);
      expect(outcome.results[2]).toMatchObject({
        message: expect.stringMatching(/sheldon1\.png: this face matches "sheldon" \(distance 0\.0\d\d\)/),
      });
      expect(outcome.person).toBeNull();
      expect(progress.map((p) => [p.done, p.total, p.result.person])).toEqual([
        [1, 3, 'Sheldon Cooper'],
        [2, 3, 'Sheldon Cooper'],
        [3, 3, 'Sheldon Cooper'],
      ]);
      const forced = await people.enrolFiles({
        name: 'Sheldon Cooper',
        employeeCode: 'E-73',
        paths: [bbtPhoto('sheldon', 1)],
        force: true,
      });
      expect(forced.results).toEqual([{ file: bbtPhoto('sheldon', 1), ok: true, templateId: 38 }]);
      expect(forced.person).toMatchObject({ name: 'Sheldon Cooper', employeeCode: 'E-73', templateCount: 1 });
      expect(decodeThumbnail(forced.person?.thumbnail ?? null).cols).toBe(96);
    });

    it('renames, refusing a name another active person has', async () => {
      const engine = await bbt().openCopy();
      const people = new PeopleService(engine);
      const [amy, bernadette] = people.list();
      expect(people.rename(amy?.id ?? 0, '  Amy  Farrah Fowler ')).toMatchObject({
        id: amy?.id,
        name: 'Amy Farrah Fowler',
        templateCount: 5,
        thumbnail: amy?.thumbnail,
      });
      expect(() => people.rename(bernadette?.id ?? 0, 'AMY farrah fowler')).toThrow(StoreError);
      expect(() => people.rename(bernadette?.id ?? 0, 'AMY farrah fowler')).toThrow(
        `an active person is already called "Amy Farrah Fowler" (person ${amy?.id}); names must differ, ignoring case and spacing (you gave "AMY farrah fowler")`,
      );
      expect(() => people.rename(99, 'Nobody')).toThrow('no person with id 99');
      expect(people.get(bernadette?.id ?? 0).name).toBe('bernadette');
      // The new name is recognised at once.
      const [face] = await engine.identifyFile(bbtPhoto('amy', 2));
      expect(face?.person?.name).toBe('Amy Farrah Fowler');
    });

    it('removes a person with their templates and thumbnail: their face is unknown at once', async () => {
      const engine = await bbt().openCopy();
      const people = new PeopleService(engine);
      const raj = people.list().find((p) => p.name === 'raj');
      expect((await engine.identifyFile(bbtPhoto('raj', 3)))[0]?.person?.name).toBe('raj');
      expect(people.remove(raj?.id ?? 0)).toEqual({
        personId: raj?.id,
        name: 'raj',
        outcome: 'deleted',
        templatesDeleted: 5,
      });
      expect(people.list().map((p) => p.name)).not.toContain('raj');
      expect(engine.store.people.thumbnail(raj?.id ?? 0)).toBeNull();
      expect(engine.gallery.templateCount(String(raj?.id))).toBe(0);
      expect(engine.store.templates.count()).toBe(32);
      expect((await engine.identifyFile(bbtPhoto('raj', 3)))[0]?.person).toBeNull();
      expect(() => people.remove(raj?.id ?? 0)).toThrow(`no person with id ${raj?.id}`);
      expect(() => people.remove(99)).toThrow('no person with id 99');
      expect(engine.store.templates.count()).toBe(32);
    });

    it('refuses a folder that is missing, a file, or holds no person folders, enrolling nothing', async () => {
      const engine = await bbt().openCopy();
      const people = new PeopleService(engine);
      const missing = join(dir, 'nowhere');
      await expect(people.importFolder(missing)).rejects.toThrow(ImportFolderError);
      await expect(people.importFolder(missing)).rejects.toThrow(`${missing}: folder not found`);
      await expect(people.importFolder(bbtPhoto('amy', 1))).rejects.toThrow(`${bbtPhoto('amy', 1)} is not a folder`);
      const flat = join(dir, 'flat');
      mkdirSync(join(flat, 'empty-person'), { recursive: true });
      writeFileSync(join(flat, 'loose.png'), 'x');
      await expect(people.importFolder(flat)).rejects.toThrow(
        `${flat}: no <person>/<photos> folders found (one sub-folder of photos per person)`,
      );
      expect(engine.store.templates.count()).toBe(37);
    });
  },
);
