import { readFile, stat } from 'node:fs/promises';
import { imageSize } from 'image-size';
import cv, { type Mat } from '../cv.js';
import { frameFromBgr, type Frame } from './frame.js';

/**
 * Image files and buffers → upright 8-bit BGR and RGB Mats for the pipeline.
 *
 * Everything that can be judged from the bytes is judged before OpenCV allocates pixels: the
 * format (by signature, not by file name), completeness (JPEG up to its EOI marker, PNG up to its
 * IEND chunk, WebP and BMP against their declared sizes) and the dimensions in the header, so a
 * decompression bomb is refused without being decoded.
 *
 * OpenCV's imdecode applies a JPEG's EXIF orientation, but not with IMREAD_UNCHANGED, the only
 * mode that keeps alpha; we decode unchanged and rotate ourselves, so every image takes one path.
 * Orientation is read from JPEG EXIF only, as OpenCV 4.6 does.
 */

export type ImageFormat = 'JPEG' | 'PNG' | 'WebP' | 'BMP' | 'PNM' | 'TIFF';

export type ImageInputErrorCode =
  | 'missing'
  | 'not-a-file'
  | 'unreadable'
  | 'empty'
  | 'not-an-image'
  | 'unsupported-format'
  | 'truncated'
  | 'corrupt'
  | 'too-large'
  | 'too-small';

/** An input the engine will not decode; the message is one line starting with the file's name. */
export class ImageInputError extends Error {
  constructor(
    readonly code: ImageInputErrorCode,
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'ImageInputError';
  }
}

export interface DecodeOptions {
  /** Images with more pixels than this are refused before decoding. */
  readonly maxPixels?: number;
  /** Images narrower or shorter than this cannot hold a detectable face. */
  readonly minSide?: number;
  /** Grey level (0..255) that transparent pixels are composited onto. */
  readonly alphaBackground?: number;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;
/** The smallest face the detectors find is about 20 px; a 16 px image cannot hold one. */
export const DEFAULT_MIN_SIDE = 16;
/**
 * Mid grey: a transparent cut-out keeps a moderate, colourless edge against it, closer to the
 * photos the detectors were trained on than pure black or white.
 */
export const DEFAULT_ALPHA_BACKGROUND = 128;

export interface ImageSourceInfo {
  /** The path or name the caller gave, as used in error messages. */
  readonly name: string;
  readonly format: ImageFormat;
  readonly bytes: number;
  /** EXIF orientation 1..8 that was applied (1: none). */
  readonly orientation: number;
  readonly hadAlpha: boolean;
  /** Bits per channel in the file (16-bit images are scaled to 8). */
  readonly bitDepth: number;
}

/** An upright image: `bgr` (CV_8UC3) for Haar and alignment, `rgb` for the networks. */
export interface DecodedImage extends Frame {
  readonly source: ImageSourceInfo;
}

export async function decodeImageFile(path: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new ImageInputError('not-a-file', path, 'is a directory, not an image file');
    if (!info.isFile()) throw new ImageInputError('not-a-file', path, 'is not a regular file');
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof ImageInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImageInputError('missing', path, 'file not found');
    throw new ImageInputError('unreadable', path, `cannot read the file (${code ?? (error as Error).message})`);
  }
  return decodeImageBuffer(bytes, path, options);
}

export async function decodeImageBuffer(
  bytes: Uint8Array,
  name: string,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const minSide = options.minSide ?? DEFAULT_MIN_SIDE;
  const fail = (code: ImageInputErrorCode, problem: string): never => {
    throw new ImageInputError(code, name, problem);
  };

  if (bytes.length === 0) fail('empty', 'empty file (0 bytes)');
  const format = sniffFormat(bytes) ?? fail(...describeUnknown(bytes));
  if (!isComplete(format, bytes)) {
    fail('truncated', `truncated ${format} file: the data ends early (${bytes.length} bytes)`);
  }

  let header: { width: number; height: number; orientation?: number };
  try {
    header = imageSize(bytes);
  } catch (error) {
    return fail('corrupt', `corrupt ${format} header (${(error as Error).message})`);
  }
  const { width, height } = header;
  const orientation = format === 'JPEG' && isExifOrientation(header.orientation) ? header.orientation : 1;
  // Orientations 5..8 turn the image a quarter: the upright size swaps the header's.
  const [uprightWidth, uprightHeight] = orientation >= 5 ? [height, width] : [width, height];
  if (width * height > maxPixels) {
    fail(
      'too-large',
      `image too large: ${uprightWidth}x${uprightHeight} (${megapixels(width * height)}) exceeds the limit of ${megapixels(maxPixels)}`,
    );
  }
  if (width < minSide || height < minSide) {
    fail(
      'too-small',
      `image too small to contain a face: ${uprightWidth}x${uprightHeight} (minimum ${minSide}x${minSide})`,
    );
  }

  let decoded: Mat;
  try {
    decoded = await cv.imdecodeAsync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), cv.IMREAD_UNCHANGED);
  } catch {
    return fail('corrupt', `cannot decode this ${format} file: the data is corrupt or truncated`);
  }
  if (decoded.empty) fail('corrupt', `cannot decode this ${format} file: the data is corrupt or truncated`);
  if (decoded.cols !== width || decoded.rows !== height) {
    fail('corrupt', `the header says ${width}x${height} but the pixels decode as ${decoded.cols}x${decoded.rows}`);
  }
  const bitDepth = decoded.depth === cv.CV_16U ? 16 : decoded.depth === cv.CV_8U ? 8 : 0;
  if (bitDepth === 0) fail('unsupported-format', `unsupported ${format} pixel type (only 8- and 16-bit are read)`);
  const hadAlpha = decoded.channels === 4;

  const bgr = await applyOrientation(
    await toBgr8(decoded, bitDepth, options.alphaBackground ?? DEFAULT_ALPHA_BACKGROUND),
    orientation,
  );
  const frame = await frameFromBgr(bgr);
  return { ...frame, source: { name, format, bytes: bytes.length, orientation, hadAlpha, bitDepth } };
}

function megapixels(pixels: number): string {
  return `${Number((pixels / 1e6).toPrecision(3))} megapixels`;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** The format by its signature bytes; undefined for anything the engine does not read. */
function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG';
  if (startsWith(bytes, [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a])) return 'PNG';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'WebP';
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 26) return 'BMP';
  if (bytes[0] === 0x50 && (bytes[1] ?? 0) >= 0x31 && (bytes[1] ?? 0) <= 0x36 && isSpace(bytes[2])) return 'PNM';
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'TIFF';
  return undefined;
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Why bytes that match no supported signature are refused. */
function describeUnknown(bytes: Uint8Array): [ImageInputErrorCode, string] {
  let known: string | undefined;
  try {
    known = imageSize(bytes).type;
  } catch {
    known = undefined;
  }
  if (known)
    return ['unsupported-format', `unsupported image format ${known} (supported: JPEG, PNG, WebP, BMP, PGM/PPM, TIFF)`];
  if (startsWithText(bytes)) return ['not-an-image', 'not an image: the file starts with text'];
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return ['not-an-image', `not an image: unrecognised file signature ${head}`];
}

function startsWithText(bytes: Uint8Array): boolean {
  // Cut back to a character boundary so a multi-byte character split at the end still decodes.
  let end = Math.min(bytes.length, 512);
  while (end > 0 && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    // Text may hold tabs, line breaks and form feeds, but no other control characters.
    return Array.from(text).every((c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 ? code !== 0x7f : code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
    });
  } catch {
    return false;
  }
}

function isComplete(format: ImageFormat, bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (format) {
    case 'JPEG':
      return jpegReachesEnd(bytes);
    case 'PNG':
      return pngReachesEnd(view);
    case 'WebP':
      return bytes.length >= 12 && bytes.length >= 8 + view.getUint32(4, true);
    case 'BMP': {
      const declared = view.getUint32(2, true);
      return declared === 0 || bytes.length >= declared;
    }
    // PNM and TIFF declare no total length; OpenCV refuses them outright when short.
    case 'PNM':
    case 'TIFF':
      return true;
  }
}

/**
 * Walks the JPEG's segments (skipping APPn payloads such as an EXIF thumbnail, which carries its
 * own EOI) and the entropy-coded scans, and reports whether the EOI marker is reached. libjpeg
 * decodes a truncated file as grey rows with only a warning, so OpenCV alone would accept it.
 */
function jpegReachesEnd(bytes: Uint8Array): boolean {
  let pos = 2;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0xff) return false;
    while (bytes[pos] === 0xff) pos++;
    const marker = bytes[pos++];
    if (marker === undefined) return false;
    if (marker === 0xd9) return true;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (pos + 2 > bytes.length) return false;
    pos += ((bytes[pos] ?? 0) << 8) | (bytes[pos + 1] ?? 0);
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker: 0xFF not followed by a stuffed 0x00 or an RSTn.
      while (pos < bytes.length) {
        const next = bytes[pos + 1];
        if (bytes[pos] === 0xff && next !== undefined && next !== 0x00 && (next < 0xd0 || next > 0xd7)) break;
        pos++;
      }
    }
  }
  return false;
}

function pngReachesEnd(view: DataView): boolean {
  let pos = 8;
  while (pos + 8 <= view.byteLength) {
    const length = view.getUint32(pos);
    const type = view.getUint32(pos + 4);
    pos += 12 + length;
    if (pos > view.byteLength) return false;
    if (type === 0x49454e44) return true; // IEND
  }
  return false;
}

function isExifOrientation(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 8;
}

/** Any decoded Mat (grey, BGR, BGRA; 8 or 16 bit) as CV_8UC3 BGR. */
async function toBgr8(decoded: Mat, bitDepth: number, background: number): Promise<Mat> {
  const maxValue = bitDepth === 16 ? 65535 : 255;
  switch (decoded.channels) {
    case 1:
    case 3: {
      const eightBit = bitDepth === 16 ? await decoded.convertToAsync(cv.CV_8U, 255 / 65535) : decoded;
      return decoded.channels === 1 ? eightBit.cvtColorAsync(cv.COLOR_GRAY2BGR) : eightBit;
    }
    case 4:
      return compositeOnGrey(decoded, maxValue, background);
    default:
      throw new Error(`unexpected ${decoded.channels}-channel image from OpenCV`);
  }
}

/** Straight (non-premultiplied) alpha over a uniform grey: colour·a + background·(1 − a). */
async function compositeOnGrey(bgra: Mat, maxValue: number, background: number): Promise<Mat> {
  const alpha = (await bgra.splitChannelsAsync())[3];
  if (!alpha) throw new Error('a 4-channel image split into fewer channels');
  const alpha3 = await (await alpha.convertToAsync(cv.CV_32F, 1 / maxValue)).cvtColorAsync(cv.COLOR_GRAY2BGR);
  const colour = await (await bgra.cvtColorAsync(cv.COLOR_BGRA2BGR)).convertToAsync(cv.CV_32FC3, 255 / maxValue);
  // Start from background·(1 − a), then add colour·a in place.
  const result = await alpha3.convertToAsync(cv.CV_32FC3, -background, background);
  await cv.accumulateProductAsync(colour, alpha3, result);
  return result.convertToAsync(cv.CV_8UC3);
}

/** EXIF orientation → the rotation/mirroring that makes the image upright (as OpenCV's own). */
async function applyOrientation(bgr: Mat, orientation: number): Promise<Mat> {
  switch (orientation) {
    case 2:
      return bgr.flipAsync(1);
    case 3:
      return bgr.rotateAsync(cv.ROTATE_180);
    case 4:
      return bgr.flipAsync(0);
    case 5: // transpose
      return (await bgr.rotateAsync(cv.ROTATE_90_CLOCKWISE)).flipAsync(1);
    case 6:
      return bgr.rotateAsync(cv.ROTATE_90_CLOCKWISE);
    case 7: // transverse
      return (await bgr.rotateAsync(cv.ROTATE_90_CLOCKWISE)).flipAsync(0);
    case 8:
      return bgr.rotateAsync(cv.ROTATE_90_COUNTERCLOCKWISE);
    default:
      return bgr;
  }
}
