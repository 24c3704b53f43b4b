import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import cv, { type Mat } from '../cv.js';
import { decodeImageBuffer, decodeImageFile, ImageInputError, type ImageInputErrorCode } from './decodeImage.js';

const LFW_JPEG = sharedPath('lfw-dev', 'images', 'George_Lucas', 'George_Lucas_0001.jpg');
const BBT_PNG = sharedPath('bbt', 'people', 'penny', 'penny1.png');
const ORL_PGM = sharedPath('orl', 's1', '1.pgm');

function maxAbsDiff(a: Mat, b: Mat): number {
  expect([a.cols, a.rows, a.channels]).toEqual([b.cols, b.rows, b.channels]);
  const x = a.getData();
  const y = b.getData();
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs((x[i] as number) - (y[i] as number)));
  return max;
}

function meanAbsDiff(a: Mat, b: Mat): number {
  const x = a.getData();
  const y = b.getData();
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs((x[i] as number) - (y[i] as number));
  return sum / x.length;
}

async function expectRefusal(input: Promise<unknown>, code: ImageInputErrorCode, message: string): Promise<void> {
  const error = await input.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageInputError);
  expect((error as ImageInputError).code).toBe(code);
  expect((error as ImageInputError).message).toBe(message);
}

/** An EXIF APP1 segment (big-endian TIFF, one IFD0 entry: Orientation) inserted after SOI. */
function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([
    ...[0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08], // "MM", 42, IFD0 at 8
    ...[0x00, 0x01], // one entry
    ...[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00], // Orientation, SHORT
    ...[0x00, 0x00, 0x00, 0x00], // no IFD1
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A complete, valid-looking PNG whose header claims `width`x`height` but carries 1 row of data. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1 + Math.min(width, 64)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImageBuffer on synthetic input', () => {
  it('refuses a decompression bomb from its header alone: a 20000x20000 PNG of 100 bytes', async () => {
    const bomb = pngClaiming(20000, 20000);
    expect(bomb.length).toBeLessThan(120);
    await expectRefusal(
      decodeImageBuffer(bomb, 'bomb.png'),
      'too-large',
      'bomb.png: image too large: 20000x20000 (400 megapixels) exceeds the limit of 40 megapixels',
    );
  });

  it('refuses a GIF as an unsupported format, naming it', async () => {
    const gif = Buffer.concat([
      Buffer.from('GIF89a', 'latin1'),
      Buffer.from([64, 0, 48, 0, 0, 0, 0]),
      Buffer.alloc(20),
    ]);
    await expectRefusal(
      decodeImageBuffer(gif, 'anim.gif'),
      'unsupported-format',
      'anim.gif: unsupported image format gif (supported: JPEG, PNG, WebP, BMP, PGM/PPM, TIFF)',
    );
  });

  it('refuses unknown binary bytes, quoting the signature', async () => {
    await expectRefusal(
      decodeImageBuffer(Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9, 9]), 'model.wasm'),
      'not-an-image',
      'model.wasm: not an image: unrecognised file signature 00 61 73 6d',
    );
  });

  it('refuses a PNG whose pixel data is garbage although every chunk is present', async () => {
    const png = pngClaiming(32, 32);
    const ihdrEnd = 8 + 12 + 13;
    const garbage = Buffer.concat([
      png.subarray(0, ihdrEnd),
      pngChunk('IDAT', Buffer.from('not zlib')),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    await expectRefusal(
      decodeImageBuffer(garbage, 'garbage.png'),
      'corrupt',
      'garbage.png: cannot decode this PNG file: the data is corrupt or truncated',
    );
  });
});

describe.skipIf(!hasSharedData)(`decodeImage on real photos (skipped if ${sharedDataSkipReason})`, () => {
  let dir: string;
  let lfwBytes: Buffer;
  let lfwBgr: Mat;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-decode-'));
    lfwBytes = readFileSync(LFW_JPEG);
    lfwBgr = cv.imread(LFW_JPEG, cv.IMREAD_COLOR);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, bytes: Uint8Array): string {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  it('reads an LFW JPEG into BGR and RGB, pixel for pixel as OpenCV imread', async () => {
    const image = await decodeImageFile(LFW_JPEG);
    expect([image.width, image.height, image.bgr.type, image.rgb.type]).toEqual([250, 250, cv.CV_8UC3, cv.CV_8UC3]);
    expect(image.source).toEqual({
      name: LFW_JPEG,
      format: 'JPEG',
      bytes: lfwBytes.length,
      orientation: 1,
      hadAlpha: false,
      bitDepth: 8,
    });
    expect(maxAbsDiff(image.bgr, lfwBgr)).toBe(0);
    expect(maxAbsDiff(image.rgb, lfwBgr.cvtColor(cv.COLOR_BGR2RGB))).toBe(0);
  });

  it('reads the greyscale bbt PNG and ORL PGM as three equal channels', async () => {
    for (const [path, format, width, height] of [
      [BBT_PNG, 'PNG', 150, 150],
      [ORL_PGM, 'PNM', 92, 112],
    ] as const) {
      const image = await decodeImageFile(path);
      expect([image.source.format, image.width, image.height]).toEqual([format, width, height]);
      const grey = cv.imread(path, cv.IMREAD_GRAYSCALE);
      expect(maxAbsDiff(image.bgr, grey.cvtColor(cv.COLOR_GRAY2BGR))).toBe(0);
    }
  });

  it('reads lossless WebP, BMP and TIFF copies of the LFW photo exactly', async () => {
    for (const [extension, format, flags] of [
      ['.webp', 'WebP', [cv.IMWRITE_WEBP_QUALITY, 101]],
      ['.bmp', 'BMP', []],
      ['.tif', 'TIFF', []],
    ] as const) {
      const path = write(`lfw${extension}`, cv.imencode(extension, lfwBgr, [...flags]));
      const image = await decodeImageFile(path);
      expect(image.source.format).toBe(format);
      expect(maxAbsDiff(image.bgr, lfwBgr)).toBe(0);
    }
  });

  it('scales 16-bit PNGs (grey and colour) to 8 bits exactly', async () => {
    const grey = cv.imread(BBT_PNG, cv.IMREAD_GRAYSCALE);
    for (const eightBit of [grey, lfwBgr]) {
      const sixteen = eightBit.convertTo(eightBit.channels === 1 ? cv.CV_16UC1 : cv.CV_16UC3, 257);
      const image = await decodeImageBuffer(cv.imencode('.png', sixteen), 'deep.png');
      expect(image.source.bitDepth).toBe(16);
      const expected = eightBit.channels === 1 ? eightBit.cvtColor(cv.COLOR_GRAY2BGR) : eightBit;
      expect(maxAbsDiff(image.bgr, expected)).toBe(0);
    }
  });

  it('composites a transparent PNG onto mid grey: transparent → 128, opaque → the photo, half → the mix', async () => {
    // Alpha 0 in the left 100 columns, 255 in the right 100, 128 between.
    const alpha = new cv.Mat(250, 250, cv.CV_8UC1, 0);
    alpha.getRegion(new cv.Rect(100, 0, 50, 250)).setTo(128);
    alpha.getRegion(new cv.Rect(150, 0, 100, 250)).setTo(255);
    const [b, g, r] = lfwBgr.splitChannels();
    if (!b || !g || !r) throw new Error('split failed');
    const path = write('alpha.png', cv.imencode('.png', new cv.Mat([b, g, r, alpha])));
    const image = await decodeImageFile(path);
    expect(image.source.hadAlpha).toBe(true);
    const region = (mat: Mat, x: number, width: number) => mat.getRegion(new cv.Rect(x, 0, width, 250)).copy();
    expect(maxAbsDiff(region(image.bgr, 0, 100), new cv.Mat(250, 100, cv.CV_8UC3, [128, 128, 128]))).toBe(0);
    expect(maxAbsDiff(region(image.bgr, 150, 100), region(lfwBgr, 150, 100))).toBe(0);
    const half = region(lfwBgr, 100, 50).convertTo(cv.CV_8UC3, 128 / 255, 128 * (127 / 255));
    expect(maxAbsDiff(region(image.bgr, 100, 50), half)).toBeLessThanOrEqual(1);
    // The same at 16 bits per channel composites to the same 8-bit pixels.
    const deep = new cv.Mat([b, g, r, alpha]).convertTo(cv.CV_16UC4, 257);
    const deepImage = await decodeImageBuffer(cv.imencode('.png', deep), 'deep-alpha.png');
    expect([deepImage.source.bitDepth, deepImage.source.hadAlpha]).toEqual([16, true]);
    expect(maxAbsDiff(deepImage.bgr, image.bgr)).toBeLessThanOrEqual(1);
    const onBlack = await decodeImageFile(path, { alphaBackground: 0 });
    expect(maxAbsDiff(region(onBlack.bgr, 0, 100), new cv.Mat(250, 100, cv.CV_8UC3, [0, 0, 0]))).toBe(0);
  });

  it('honours EXIF orientation 1..8: a photo stored turned/mirrored comes back upright', async () => {
    // Store the upright photo transformed by the inverse of each orientation, tag it, decode it.
    const upright = lfwBgr;
    const stored: Record<number, Mat> = {
      1: upright,
      2: upright.flip(1),
      3: upright.rotate(cv.ROTATE_180),
      4: upright.flip(0),
      5: upright.transpose(),
      6: upright.rotate(cv.ROTATE_90_COUNTERCLOCKWISE),
      7: upright.rotate(cv.ROTATE_180).transpose(),
      8: upright.rotate(cv.ROTATE_90_CLOCKWISE),
    };
    const report: string[] = [];
    for (let orientation = 1; orientation <= 8; orientation++) {
      const storedMat = stored[orientation] as Mat;
      const jpeg = withExifOrientation(cv.imencode('.jpg', storedMat, [cv.IMWRITE_JPEG_QUALITY, 100]), orientation);
      const image = await decodeImageFile(write(`orientation${orientation}.jpg`, jpeg));
      expect(image.source.orientation).toBe(orientation);
      // The same as OpenCV's own EXIF handling (IMREAD_COLOR applies it) ...
      expect(maxAbsDiff(image.bgr, cv.imdecode(jpeg, cv.IMREAD_COLOR))).toBe(0);
      // ... and upright: only JPEG's quality-100 loss separates it from the original.
      const diff = meanAbsDiff(image.bgr, upright);
      report.push(`${orientation}: ${diff.toFixed(2)}`);
      expect(diff).toBeLessThan(1.5);
    }
    console.log(`EXIF orientation, mean abs diff to the upright photo: ${report.join(', ')}`);
    // A wrongly turned decode is nowhere near: the photo against itself turned a quarter.
    expect(meanAbsDiff(upright.rotate(cv.ROTATE_90_CLOCKWISE), upright)).toBeGreaterThan(20);
  });

  it('refuses a missing file, a directory and an empty file', async () => {
    const missing = join(dir, 'nobody.jpg');
    await expectRefusal(decodeImageFile(missing), 'missing', `${missing}: file not found`);
    const folder = join(dir, 'photos.jpg');
    mkdirSync(folder);
    await expectRefusal(decodeImageFile(folder), 'not-a-file', `${folder}: is a directory, not an image file`);
    const empty = write('empty.jpg', Buffer.alloc(0));
    await expectRefusal(decodeImageFile(empty), 'empty', `${empty}: empty file (0 bytes)`);
  });

  it('refuses a text file named .jpg', async () => {
    const path = write('notes.jpg', Buffer.from('Attendance notes for Monday\nAll present.\n', 'utf8'));
    await expectRefusal(decodeImageFile(path), 'not-an-image', `${path}: not an image: the file starts with text`);
  });

  it('refuses truncated JPEGs that OpenCV would half-decode, even with an EXIF thumbnail carrying its own EOI', async () => {
    const half = lfwBytes.subarray(0, Math.floor(lfwBytes.length / 2));
    // OpenCV alone returns a full-size image with grey rows for this.
    expect(cv.imdecode(Buffer.from(half)).rows).toBe(250);
    const path = write('half.jpg', half);
    await expectRefusal(
      decodeImageFile(path),
      'truncated',
      `${path}: truncated JPEG file: the data ends early (${half.length} bytes)`,
    );

    // An APP1 segment holding a whole small JPEG (thumbnail): its EOI must not count as the end.
    const thumbnail = cv.imencode('.jpg', lfwBgr.resize(40, 40));
    const app1Payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), thumbnail]);
    const app1 = Buffer.from([0xff, 0xe1, 0, 0]);
    app1.writeUInt16BE(app1Payload.length + 2, 2);
    const withThumbnail = Buffer.concat([lfwBytes.subarray(0, 2), app1, app1Payload, lfwBytes.subarray(2)]);
    expect((await decodeImageBuffer(withThumbnail, 'thumb.jpg')).width).toBe(250);
    const cut = withThumbnail.subarray(0, withThumbnail.length - 2000);
    await expectRefusal(
      decodeImageBuffer(cut, 'thumb-cut.jpg'),
      'truncated',
      `thumb-cut.jpg: truncated JPEG file: the data ends early (${cut.length} bytes)`,
    );
  });

  it('refuses truncated PNG, WebP and BMP files', async () => {
    const png = readFileSync(BBT_PNG);
    const cutPng = png.subarray(0, png.length - 100);
    const path = write('cut.png', cutPng);
    await expectRefusal(
      decodeImageFile(path),
      'truncated',
      `${path}: truncated PNG file: the data ends early (${cutPng.length} bytes)`,
    );
    for (const [extension, format] of [
      ['.webp', 'WebP'],
      ['.bmp', 'BMP'],
    ] as const) {
      const whole = cv.imencode(extension, lfwBgr);
      const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
      await expectRefusal(
        decodeImageBuffer(cut, `cut${extension}`),
        'truncated',
        `cut${extension}: truncated ${format} file: the data ends early (${cut.length} bytes)`,
      );
    }
  });

  it('refuses a JPEG whose header claims 30000x30000 before decoding it', async () => {
    // Patch the SOF0 frame size of the real 250x250 photo; the file stays 10 kB.
    const bomb = Buffer.from(lfwBytes);
    const sof = bomb.indexOf(Buffer.from([0xff, 0xc0]));
    bomb.writeUInt16BE(30000, sof + 5);
    bomb.writeUInt16BE(30000, sof + 7);
    await expectRefusal(
      decodeImageBuffer(bomb, 'huge.jpg'),
      'too-large',
      'huge.jpg: image too large: 30000x30000 (900 megapixels) exceeds the limit of 40 megapixels',
    );
  });

  it('applies a configurable pixel limit and minimum size', async () => {
    await expectRefusal(
      decodeImageFile(LFW_JPEG, { maxPixels: 50_000 }),
      'too-large',
      `${LFW_JPEG}: image too large: 250x250 (0.0625 megapixels) exceeds the limit of 0.05 megapixels`,
    );
    const tiny = cv.imencode('.png', cv.imread(ORL_PGM).resize(12, 10));
    await expectRefusal(
      decodeImageBuffer(tiny, 'tiny.png'),
      'too-small',
      'tiny.png: image too small to contain a face: 10x12 (minimum 16x16)',
    );
    expect((await decodeImageBuffer(tiny, 'tiny.png', { minSide: 8 })).width).toBe(10);
  });
});
