import { createRequire } from 'node:module';
import { access, constants, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import cv, { type Mat } from '../cv.js';
import type { Box, Point } from '../geometry.js';
import { decodeImageFile } from '../image/decodeImage.js';

/**
 * A short video made from one photo, for running the live loop on a machine without a camera:
 * a virtual camera looks at part of the photo and slowly zooms in on a point (a face) while
 * drifting towards it, like someone stepping up to the kiosk. Written with OpenCV's VideoWriter;
 * the same inputs give the same frames.
 */

export type DemoClipCodec = 'mp4v' | 'MJPG';

export interface DemoClipOptions {
  /** The part of the photo the camera sees at the start; default: all of it. */
  readonly region?: Box;
  /** The point the camera zooms in on and drifts towards; default: the region's centre. */
  readonly focus?: Point;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly seconds?: number;
  /** How much closer the last frame is than the first (1 = no zoom). */
  readonly zoom?: number;
}

export interface DemoClipInfo {
  readonly path: string;
  readonly codec: DemoClipCodec;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
}

export type DemoClipErrorCode = 'invalid-option' | 'unsupported-container' | 'cannot-write' | 'no-encoder';

export class DemoClipError extends Error {
  constructor(
    readonly code: DemoClipErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DemoClipError';
  }
}

const DEFAULTS = { width: 640, height: 480, fps: 15, seconds: 8, zoom: 1.25 };
/** MPEG-4 Part 2 and Motion JPEG are in every FFmpeg build OpenCV links; H.264 encoders are not. */
const CODEC_BY_EXTENSION: Readonly<Record<string, DemoClipCodec>> = { '.mp4': 'mp4v', '.avi': 'MJPG' };
const MAX_SIDE = 4096;
const MAX_FRAMES = 10_000;

/**
 * Writes the clip to `outPath` (.mp4 as MPEG-4, .avi as Motion JPEG), then reads it back to prove
 * the system OpenCV could encode it. It is written beside `outPath` first and renamed into place,
 * so a failed run never leaves a broken clip or destroys an existing one.
 */
export async function writeDemoClip(
  photoPath: string,
  outPath: string,
  options: DemoClipOptions = {},
): Promise<DemoClipInfo> {
  const codec = CODEC_BY_EXTENSION[extname(outPath).toLowerCase()];
  if (codec === undefined) {
    throw new DemoClipError(
      'unsupported-container',
      `${outPath}: the demo clip must be an .mp4 (MPEG-4) or .avi (Motion JPEG) file`,
    );
  }
  const width = options.width ?? DEFAULTS.width;
  const height = options.height ?? DEFAULTS.height;
  const fps = options.fps ?? DEFAULTS.fps;
  const seconds = options.seconds ?? DEFAULTS.seconds;
  const zoom = options.zoom ?? DEFAULTS.zoom;
  checkSize('width', width);
  checkSize('height', height);
  if (!(Number.isInteger(fps) && fps >= 1 && fps <= 120)) {
    throw new DemoClipError('invalid-option', `fps must be an integer in 1..120, got ${fps}`);
  }
  const frameCount = Math.round(fps * seconds);
  if (!(Number.isFinite(seconds) && frameCount >= 2 && frameCount <= MAX_FRAMES)) {
    throw new DemoClipError(
      'invalid-option',
      `seconds must give 2..${MAX_FRAMES} frames at ${fps} fps, got ${seconds} s (${frameCount} frames)`,
    );
  }
  if (!(Number.isFinite(zoom) && zoom >= 1 && zoom <= 4)) {
    throw new DemoClipError('invalid-option', `zoom must be a number in 1..4, got ${zoom}`);
  }

  await checkWritableFolder(dirname(outPath));

  const original = (await decodeImageFile(photoPath)).bgr;
  const fullRegion = options.region ?? { x: 0, y: 0, width: original.cols, height: original.rows };
  checkRegion(fullRegion, original);
  const fullFocus = options.focus ?? {
    x: fullRegion.x + fullRegion.width / 2,
    y: fullRegion.y + fullRegion.height / 2,
  };
  if (!contains(fullRegion, fullFocus)) {
    throw new DemoClipError('invalid-option', `focus (${fullFocus.x}, ${fullFocus.y}) must lie inside the region`);
  }
  // Shrink the photo once with area averaging so the closest view is still sampled about 1:1;
  // warping a large photo straight down to 640 px would alias.
  const shrink = Math.min(1, (width * zoom) / Math.min(fullRegion.width, fullRegion.height * (width / height)));
  const photo =
    shrink < 1
      ? await original.resizeAsync(
          Math.round(original.rows * shrink),
          Math.round(original.cols * shrink),
          0,
          0,
          cv.INTER_AREA,
        )
      : original;
  const region = scaleBox(fullRegion, shrink);
  const focus = { x: fullFocus.x * shrink, y: fullFocus.y * shrink };

  const partialPath = join(
    dirname(outPath),
    `.${basename(outPath, extname(outPath))}.partial-${process.pid}${extname(outPath)}`,
  );
  try {
    const writer = new cv.VideoWriter(partialPath, cv.VideoWriter.fourcc(codec), fps, new cv.Size(width, height));
    const camera = cameraPath(region, focus, zoom, width / height);
    for (let index = 0; index < frameCount; index++) {
      const frame = await renderFrame(photo, camera(index / (frameCount - 1)), width, height);
      // Synchronous on purpose: opencv4nodejs's writeAsync drops the frames of FFmpeg-backed writers.
      writer.write(frame);
      frame.release();
    }
    writer.release();
    await checkWritten(partialPath, codec, width, height, frameCount);
    await rename(partialPath, outPath);
  } finally {
    await rm(partialPath, { force: true });
  }
  return { path: outPath, codec, width, height, fps, frameCount };
}

/** The shipped photo the demo films: face-api's sample 3, framed on the middle person's face. */
export function bundledDemoPhoto(): { readonly path: string; readonly region: Box; readonly focus: Point } {
  const faceApi = dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'));
  return {
    path: join(faceApi, 'demo', 'sample3.jpg'),
    // 4:3, between her neighbours' faces (which end at x≈800 and start at x≈1485 in the 1920px photo).
    region: { x: 800, y: 60, width: 680, height: 510 },
    // The centre of her face as OpenCV's frontal-face cascade finds it.
    focus: { x: 1165, y: 365 },
  };
}

/**
 * Writes the bundled demo clip into `folder`: `demo.mp4`, or `demo.avi` when the system OpenCV
 * has no MPEG-4 encoder.
 */
export async function writeBundledDemoClip(folder: string, options: DemoClipOptions = {}): Promise<DemoClipInfo> {
  const { path, region, focus } = bundledDemoPhoto();
  const settings = { region, focus, ...options };
  try {
    return await writeDemoClip(path, join(folder, 'demo.mp4'), settings);
  } catch (error) {
    if (!(error instanceof DemoClipError && error.code === 'no-encoder')) throw error;
    return writeDemoClip(path, join(folder, 'demo.avi'), settings);
  }
}

interface CameraView {
  readonly centre: Point;
  readonly width: number;
  readonly height: number;
}

/** Where the virtual camera looks at time t (0..1): ease in and out, never leaving the region. */
function cameraPath(region: Box, focus: Point, zoom: number, aspect: number): (t: number) => CameraView {
  // The widest view of the output's shape that fits in the region.
  const fullWidth = Math.min(region.width, region.height * aspect);
  const fullHeight = fullWidth / aspect;
  const start = { x: region.x + region.width / 2, y: region.y + region.height / 2 };
  return (t) => {
    const eased = t * t * (3 - 2 * t);
    const scale = 1 + (zoom - 1) * eased;
    const width = fullWidth / scale;
    const height = fullHeight / scale;
    const x = start.x + (focus.x - start.x) * eased;
    const y = start.y + (focus.y - start.y) * eased;
    return {
      centre: {
        x: clamp(x, region.x + width / 2, region.x + region.width - width / 2),
        y: clamp(y, region.y + height / 2, region.y + region.height - height / 2),
      },
      width,
      height,
    };
  };
}

async function renderFrame(photo: Mat, view: CameraView, width: number, height: number): Promise<Mat> {
  const scale = width / view.width;
  const left = view.centre.x - view.width / 2;
  const top = view.centre.y - view.height / 2;
  const transform = new cv.Mat(
    [
      [scale, 0, -left * scale],
      [0, scale, -top * scale],
    ],
    cv.CV_64F,
  );
  return photo.warpAffineAsync(transform, new cv.Size(width, height), cv.INTER_LINEAR, cv.BORDER_REPLICATE);
}

/** Reads the written file back: the encoder may have been missing, which VideoWriter does not report. */
async function checkWritten(
  path: string,
  codec: DemoClipCodec,
  width: number,
  height: number,
  frameCount: number,
): Promise<void> {
  let frames = 0;
  try {
    const capture = new cv.VideoCapture(path, cv.CAP_FFMPEG);
    try {
      for (let frame = await capture.readAsync(); !frame.empty; frame = await capture.readAsync()) {
        if (frame.cols !== width || frame.rows !== height) break;
        frames++;
      }
    } finally {
      capture.release();
    }
  } catch {
    frames = 0;
  }
  if (frames !== frameCount) {
    throw new DemoClipError(
      'no-encoder',
      `the system OpenCV could not encode ${codec} video: ${frames} of ${frameCount} frames read back from the written file`,
    );
  }
}

function checkSize(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 16 && value <= MAX_SIDE && value % 2 === 0)) {
    // Video encoders subsample colour in 2x2 blocks: odd sizes are refused or silently cropped.
    throw new DemoClipError('invalid-option', `${name} must be an even integer in 16..${MAX_SIDE}, got ${value}`);
  }
}

function checkRegion(region: Box, photo: Mat): void {
  const inside =
    region.x >= 0 &&
    region.y >= 0 &&
    region.width >= 16 &&
    region.height >= 16 &&
    region.x + region.width <= photo.cols &&
    region.y + region.height <= photo.rows;
  if (!inside) {
    throw new DemoClipError(
      'invalid-option',
      `region ${region.width}x${region.height} at (${region.x}, ${region.y}) must be at least 16x16 and inside the ${photo.cols}x${photo.rows} photo`,
    );
  }
}

async function checkWritableFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new DemoClipError('cannot-write', `${folder}: no such folder to write the demo clip into`);
  }
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new DemoClipError('cannot-write', `${folder}: the folder is not writable`);
  }
}

function contains(box: Box, point: Point): boolean {
  return point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height;
}

function scaleBox(box: Box, factor: number): Box {
  return { x: box.x * factor, y: box.y * factor, width: box.width * factor, height: box.height * factor };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
