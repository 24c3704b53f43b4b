import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import cv from '../cv.js';
import { ImageInputError } from '../image/decodeImage.js';
import { bundledDemoPhoto, DemoClipError, writeBundledDemoClip, writeDemoClip } from './demoClip.js';
import { VideoSource } from './videoSource.js';

const scratch = mkdtempSync(join(tmpdir(), 'clockface-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cascade = new cv.CascadeClassifier(
  join(import.meta.dirname, '../../../../resources/models/haarcascade_frontalface_default.xml'),
);

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('writeBundledDemoClip', () => {
  it('writes 8 s of 640x480 at 15 fps that reads back frame for frame, with one face in every frame', async () => {
    const folder = mkdtempSync(join(scratch, 'bundled-'));
    const info = await writeBundledDemoClip(folder);
    // The system OpenCV (FFmpeg) has an MPEG-4 encoder here, so no fallback to Motion JPEG.
    expect(info).toEqual({
      path: join(folder, 'demo.mp4'),
      codec: 'mp4v',
      width: 640,
      height: 480,
      fps: 15,
      frameCount: 120,
    });
    // Only the clip: the partial file was renamed into place.
    expect(readdirSync(folder)).toEqual(['demo.mp4']);

    const source = await VideoSource.open({ kind: 'file', path: info.path }, { pacing: 'fast' });
    expect(source.info).toEqual({
      captureWidth: 640,
      captureHeight: 480,
      width: 640,
      height: 480,
      fps: 15,
      frameCount: 120,
    });
    const faceWidths: number[] = [];
    const facesPerFrame: number[] = [];
    for (let frame = await source.read(); frame !== null; frame = await source.read()) {
      const grey = await frame.bgr.cvtColorAsync(cv.COLOR_BGR2GRAY);
      // Faces under 150 px are not looked for: hers is about twice that, and the search is much shorter.
      const { objects } = await cascade.detectMultiScaleAsync(grey, 1.1, 5, 0, new cv.Size(150, 150));
      facesPerFrame.push(objects.length);
      faceWidths.push(objects[0]?.width ?? 0);
      frame.bgr.release();
    }
    expect(facesPerFrame).toHaveLength(120);
    expect(facesPerFrame.every((count) => count === 1)).toBe(true);
    // The camera closes in: her face grows from about 285 px to about 350 px wide.
    expect(faceWidths[0]).toBeGreaterThan(260);
    expect(faceWidths[0]).toBeLessThan(310);
    expect(faceWidths[119]).toBeGreaterThan(325);
    expect(faceWidths[119]).toBeLessThan(380);
  });

  it('is deterministic: the same bytes on every run', async () => {
    const first = await writeBundledDemoClip(mkdtempSync(join(scratch, 'first-')), { seconds: 2 });
    const second = await writeBundledDemoClip(mkdtempSync(join(scratch, 'second-')), { seconds: 2 });
    expect(first.frameCount).toBe(30);
    expect(sha256(first.path)).toBe(sha256(second.path));
  });
});

describe('writeDemoClip', () => {
  const photo = bundledDemoPhoto();

  it('writes Motion JPEG into an .avi', async () => {
    const out = join(scratch, 'clip.avi');
    const info = await writeDemoClip(photo.path, out, { width: 320, height: 240, fps: 10, seconds: 1 });
    expect(info).toMatchObject({ codec: 'MJPG', width: 320, height: 240, fps: 10, frameCount: 10 });
    const capture = new cv.VideoCapture(out, cv.CAP_FFMPEG);
    expect(capture.get(cv.CAP_PROP_FOURCC)).toBe(cv.VideoWriter.fourcc('MJPG'));
    capture.release();
  });

  it('refuses bad requests with a message saying what is wrong, leaving an existing clip alone', async () => {
    const existing = join(scratch, 'existing.mp4');
    writeFileSync(existing, 'an earlier clip');
    const refusal = (options: Parameters<typeof writeDemoClip>[2], out = existing) =>
      writeDemoClip(photo.path, out, options).catch((error: unknown) => error);

    // "<dir>/clip.mkv: the demo clip must be an .mp4 (MPEG-4) or .avi (Motion JPEG) file"
    const mkv = await refusal({}, join(scratch, 'clip.mkv'));
    expect(mkv).toBeInstanceOf(DemoClipError);
    expect((mkv as DemoClipError).code).toBe('unsupported-container');
    expect((mkv as DemoClipError).message).toBe(
      `${join(scratch, 'clip.mkv')}: the demo clip must be an .mp4 (MPEG-4) or .avi (Motion JPEG) file`,
    );
    // "width must be an even integer in 16..4096, got 641"
    expect(((await refusal({ width: 641 })) as DemoClipError).message).toBe(
      'width must be an even integer in 16..4096, got 641',
    );
    // "seconds must give 2..10000 frames at 15 fps, got 0.05 s (1 frames)"
    expect(((await refusal({ seconds: 0.05 })) as DemoClipError).message).toBe(
      'seconds must give 2..10000 frames at 15 fps, got 0.05 s (1 frames)',
    );
    // "zoom must be a number in 1..4, got 0.5"
    expect(((await refusal({ zoom: 0.5 })) as DemoClipError).message).toBe('zoom must be a number in 1..4, got 0.5');
    // "region 680x510 at (1500, 60) must be at least 16x16 and inside the 1920x1350 photo"
    expect(((await refusal({ region: { x: 1500, y: 60, width: 680, height: 510 } })) as DemoClipError).message).toBe(
      'region 680x510 at (1500, 60) must be at least 16x16 and inside the 1920x1350 photo',
    );
    // "focus (10, 10) must lie inside the region"
    expect(((await refusal({ region: photo.region, focus: { x: 10, y: 10 } })) as DemoClipError).message).toBe(
      'focus (10, 10) must lie inside the region',
    );
    // "<dir>/missing: no such folder to write the demo clip into"
    const missing = await refusal({}, join(scratch, 'missing', 'clip.mp4'));
    expect((missing as DemoClipError).code).toBe('cannot-write');
    expect((missing as DemoClipError).message).toBe(
      `${join(scratch, 'missing')}: no such folder to write the demo clip into`,
    );
    // A photo that is not there gets the image decoder's own error, naming the file.
    const noPhoto = await writeDemoClip(join(scratch, 'nobody.jpg'), existing).catch((error: unknown) => error);
    expect(noPhoto).toBeInstanceOf(ImageInputError);
    expect((noPhoto as ImageInputError).code).toBe('missing');

    expect(readFileSync(existing, 'utf8')).toBe('an earlier clip');
  });
});
