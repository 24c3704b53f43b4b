import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cv from '../engine/cv.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../test/support/sharedData.js';
import {
  bbtPhoto,
  parseJson,
  useCliWorkspace,
  useSeedDatabase,
  type EnrolReport,
  type IdentifyEntry,
} from './cliTestSupport.js';

/**
 * Bad photos through the real `clockface` command: each gets its own one-line reason, nothing is
 * stored for it, and the good photos of the same command still go through.
 */

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A complete, valid-looking PNG whose header claims width x height RGB pixels and holds none. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IEND', Buffer.alloc(0))]);
}

const lfwJpeg = sharedPath('lfw-dev', 'images', 'AJ_Lamas', 'AJ_Lamas_0001.jpg');
const groupPhoto = sharedPath('bbt', 'group', 'bbt2.jpg');
const orlFace = (person: number, index: number) => sharedPath('orl', `s${person}`, `${index}.pgm`);

describe.skipIf(!hasSharedData)(
  `clockface on bad and unusual photos (${hasSharedData ? 'bbt, ORL and LFW photos' : sharedDataSkipReason})`,
  () => {
    const seed = useSeedDatabase();
    const cli = useCliWorkspace();
    let dir = '';
    const files = {
      missing: '',
      folder: '',
      empty: '',
      text: '',
      truncated: '',
      huge: '',
      tiny: '',
      plain: '',
      background: '',
      alpha: '',
    };
    let truncatedBytes = 0;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'clockface-cli-photos-'));
      const path = (name: string) => join(dir, name);
      files.missing = path('missing.jpg');
      files.folder = path('folder.jpg');
      mkdirSync(files.folder);
      files.empty = path('empty.jpg');
      writeFileSync(files.empty, '');
      files.text = path('notes.jpg');
      writeFileSync(files.text, 'these are my notes, not a photo\n');
      const jpeg = readFileSync(lfwJpeg);
      truncatedBytes = Math.floor(jpeg.length / 2);
      files.truncated = path('truncated.jpg');
      writeFileSync(files.truncated, jpeg.subarray(0, truncatedBytes));
      files.huge = path('huge.png');
      writeFileSync(files.huge, pngHeaderOnly(30000, 30000));
      files.tiny = path('tiny.png');
      cv.imwrite(files.tiny, new cv.Mat(12, 12, cv.CV_8UC3, [90, 120, 150]));
      files.plain = path('plain.png');
      cv.imwrite(files.plain, new cv.Mat(200, 200, cv.CV_8UC3, [200, 160, 120]));
      // Hands and jeans below the faces of a group photo: a real photo with no face in it.
      files.background = path('background.png');
      cv.imwrite(
        files.background,
        cv.imread(sharedPath('bbt', 'group', 'bbt1.jpg')).getRegion(new cv.Rect(0, 468, 300, 300)),
      );
      // amy2 (greyscale) with an opaque alpha channel: a 4-channel PNG with the same picture.
      files.alpha = path('amy2-alpha.png');
      cv.imwrite(files.alpha, cv.imread(bbtPhoto('amy', 2), cv.IMREAD_UNCHANGED).cvtColor(cv.COLOR_GRAY2BGRA));
      expect(cv.imread(files.alpha, cv.IMREAD_UNCHANGED).channels).toBe(4);
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('enrol refuses each bad photo with its own reason, stores nothing for it, and enrols the good ones', async () => {
      const photos = [
        bbtPhoto('amy', 1),
        files.missing,
        files.folder,
        files.empty,
        files.text,
        files.truncated,
        files.huge,
        files.tiny,
        files.plain,
        files.background,
        groupPhoto,
        bbtPhoto('amy', 3),
      ];
      const run = await cli.run('enroll', 'amy', ...photos, '--json');
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('clockface: 10 of 12 photo(s) were not enrolled\n');
      const refuse = (file: string, reason: string, problem: string) => ({
        file,
        ok: false,
        reason,
        message: `${file}: ${problem}`,
      });
      expect(parseJson<EnrolReport>(run)).toEqual({
        name: 'amy',
        outcomes: [
          { file: bbtPhoto('amy', 1), ok: true, templateId: 1, box: expect.any(Array) },
          refuse(files.missing, 'unreadable-image', 'file not found'),
          refuse(files.folder, 'unreadable-image', 'is a directory, not an image file'),
          refuse(files.empty, 'unreadable-image', 'empty file (0 bytes)'),
          refuse(files.text, 'unreadable-image', 'not an image: the file starts with text'),
          refuse(
            files.truncated,
            'unreadable-image',
            `truncated JPEG file: the data ends early (${truncatedBytes} bytes)`,
          ),
          refuse(
            files.huge,
            'unreadable-image',
            'image too large: 30000x30000 (900 megapixels) exceeds the limit of 40 megapixels',
          ),
          refuse(files.tiny, 'unreadable-image', 'image too small to contain a face: 12x12 (minimum 16x16)'),
          refuse(files.plain, 'no-face', 'no face found'),
          refuse(files.background, 'no-face', 'no face found'),
          refuse(groupPhoto, 'several-faces', '3 faces found; an enrolment photo must show one person'),
          { file: bbtPhoto('amy', 3), ok: true, templateId: 2, box: expect.any(Array) },
        ],
      });

      const db = new Database(cli.db, { readonly: true });
      try {
        expect(db.prepare('SELECT name FROM people').pluck().all()).toEqual(['amy']);
        expect(db.prepare('SELECT source FROM templates ORDER BY id').pluck().all()).toEqual([
          bbtPhoto('amy', 1),
          bbtPhoto('amy', 3),
        ]);
        expect(db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all()).toEqual([
          'person.add',
          'template.add',
          'template.add',
        ]);
      } finally {
        db.close();
      }
    });

    it('enrols nobody when every photo is bad: the person is not created', async () => {
      const run = await cli.run('enroll', 'ghost', files.plain, files.text);
      // Without --json the reasons are lines on stdout.
      expect(run).toEqual({
        code: 1,
        stdout: `rejected  ${files.plain}: no face found\nrejected  ${files.text}: not an image: the file starts with text\n`,
        stderr: 'clockface: 2 of 2 photo(s) were not enrolled\n',
      });
      expect((await cli.run('people')).stdout).toBe('nobody is enrolled yet\n');
    });

    it('identify reports each unreadable photo, finds no face in a faceless one, and names the rest', async () => {
      cli.copyDatabase(seed().path);
      const photos = [
        bbtPhoto('amy', 2),
        files.missing,
        files.folder,
        files.text,
        files.huge,
        files.background,
        groupPhoto,
        bbtPhoto('penny', 5),
      ];
      const run = await cli.run('identify', ...photos, '--json');
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('clockface: 4 of 8 image(s) could not be read\n');
      const report = parseJson<IdentifyEntry[]>(run);
      expect(report.map((entry) => entry.image)).toEqual(photos);
      expect(report.slice(1, 5)).toEqual([
        { image: files.missing, error: `${files.missing}: file not found` },
        { image: files.folder, error: `${files.folder}: is a directory, not an image file` },
        { image: files.text, error: `${files.text}: not an image: the file starts with text` },
        {
          image: files.huge,
          error: `${files.huge}: image too large: 30000x30000 (900 megapixels) exceeds the limit of 40 megapixels`,
        },
      ]);
      expect(report[5]).toEqual({ image: files.background, faces: [] });
      const summary = (entry: IdentifyEntry | undefined) =>
        entry?.faces?.map((face) => `${face.name ?? 'unknown'} ${face.distance.toFixed(2)}`);
      expect(summary(report[0])).toEqual(['amy 0.31']);
      // Nobody in the group photo is enrolled: three faces, all unknown, biggest first.
      expect(report[6]?.faces?.map((face) => face.name)).toEqual([null, null, null]);
      expect(report[6]?.faces?.map((face) => face.box.map(Math.round))).toEqual([
        [382, 119, 71, 100],
        [94, 124, 78, 89],
        [1, 84, 47, 75],
      ]);
      expect(summary(report[7])).toEqual(['unknown 0.68']);
    });

    it('verify names the photo it cannot use', async () => {
      expect(await cli.run('verify', bbtPhoto('amy', 2), files.missing, '--json')).toEqual({
        code: 1,
        stdout: '',
        stderr: `clockface: ${files.missing}: file not found\n`,
      });
      expect(await cli.run('verify', files.background, bbtPhoto('amy', 2))).toEqual({
        code: 1,
        stdout: '',
        stderr: `clockface: ${files.background}: no face found\n`,
      });
    });

    it('reads a PNG with an alpha channel, a greyscale PNG, a greyscale PGM and a colour JPEG', async () => {
      const alpha = parseJson<EnrolReport>(await cli.run('enroll', 'amy', files.alpha, '--json'));
      expect(alpha.outcomes).toEqual([{ file: files.alpha, ok: true, templateId: 1, box: expect.any(Array) }]);
      const pgm = parseJson<EnrolReport>(await cli.run('enroll', 'orl-s1', orlFace(1, 1), '--json'));
      expect(pgm.outcomes).toEqual([{ file: orlFace(1, 1), ok: true, templateId: 2, box: expect.any(Array) }]);

      const probes = [bbtPhoto('amy', 2), orlFace(1, 2), orlFace(3, 1), lfwJpeg];
      const run = await cli.run('identify', ...probes, '--json');
      expect(run.code).toBe(0);
      const report = parseJson<IdentifyEntry[]>(run);
      expect(
        report.map((entry) =>
          [
            basename(entry.image),
            ...(entry.faces ?? []).map((f) => `${f.name ?? 'unknown'} ${f.distance.toFixed(2)}`),
          ].join(': '),
        ),
      ).toEqual([
        // Opaque alpha over grey changes no pixel: the plain greyscale photo is the very same face.
        'amy2.png: amy 0.00',
        '2.pgm: orl-s1 0.31',
        '1.pgm: unknown 0.71',
        'AJ_Lamas_0001.jpg: unknown 0.80',
      ]);
      expect(report[0]?.faces?.[0]?.distance).toBe(0);
    });
  },
);
