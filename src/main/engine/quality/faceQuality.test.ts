import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFaceApi } from '../../../../test/support/faceApiReference.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import { extractFaceChip, faceChipTransform } from '../align/faceChip.js';
import cv, { type Mat } from '../cv.js';
import type { Point } from '../geometry.js';
import {
  assessEnrolmentQuality,
  DEFAULT_QUALITY_LIMITS,
  landmarkQuality,
  measureFaceQuality,
  type FaceQuality,
} from './faceQuality.js';

/** A frontal, level face: symmetric eyes, nose tip midway between the jaw ends. */
function frontalLandmarks(): Point[] {
  const points: Point[] = Array.from({ length: 68 }, () => ({ x: 100, y: 100 }));
  for (let i = 0; i < 6; i++) {
    const angle = (i / 6) * 2 * Math.PI;
    points[36 + i] = { x: 70 + 8 * Math.cos(angle), y: 80 + 4 * Math.sin(angle) };
    points[42 + i] = { x: 130 + 8 * Math.cos(angle), y: 80 + 4 * Math.sin(angle) };
  }
  points[0] = { x: 40, y: 85 };
  points[16] = { x: 160, y: 85 };
  points[30] = { x: 100, y: 120 };
  return points;
}

function rotated(points: readonly Point[], degrees: number, about: Point): Point[] {
  const c = Math.cos((degrees * Math.PI) / 180);
  const s = Math.sin((degrees * Math.PI) / 180);
  return points.map((p) => ({
    x: about.x + c * (p.x - about.x) - s * (p.y - about.y),
    y: about.y + s * (p.x - about.x) + c * (p.y - about.y),
  }));
}

describe('landmarkQuality (pure)', () => {
  it('scores a frontal, level face 1 with its eye distance', () => {
    expect(landmarkQuality(frontalLandmarks())).toEqual({
      interOcularPx: 60,
      noseJawRatio: 0.5,
      rollDegrees: 0,
      frontalness: 1,
    });
  });

  it('reads an in-plane tilt as roll only: the nose stays midway along the eye line', () => {
    const tilted = landmarkQuality(rotated(frontalLandmarks(), 30, { x: 17, y: -40 }));
    expect(tilted.interOcularPx).toBeCloseTo(60, 10);
    expect(tilted.rollDegrees).toBeCloseTo(30, 10);
    expect(tilted.noseJawRatio).toBeCloseTo(0.5, 10);
    expect(tilted.frontalness).toBeCloseTo(Math.cos(Math.PI / 6), 10);
  });

  it('scores a nose moved towards one jaw end (a turned head) by its distance from the middle', () => {
    const turned = frontalLandmarks();
    turned[30] = { x: 64, y: 120 }; // 24 of the 120 px from the left jaw end: ratio 0.2
    const quality = landmarkQuality(turned);
    expect(quality.noseJawRatio).toBeCloseTo(0.2, 12);
    expect(quality.frontalness).toBeCloseTo(0.4, 12);
    // Turned and tilted 20°: 0.4 · cos 20°.
    const both = landmarkQuality(rotated(turned, -20, { x: 100, y: 100 }));
    expect(both.rollDegrees).toBeCloseTo(-20, 10);
    expect(both.frontalness).toBeCloseTo(0.4 * Math.cos(Math.PI / 9), 10);
  });

  it('refuses landmark sets it cannot measure', () => {
    expect(() => landmarkQuality(frontalLandmarks().slice(0, 5))).toThrow('face quality needs 68 landmarks, got 5');
    expect(() => landmarkQuality(frontalLandmarks().map(() => ({ x: 1, y: 1 })))).toThrow(
      'the landmarks are degenerate: both eyes at the same point',
    );
  });
});

describe('assessEnrolmentQuality (pure)', () => {
  const good: FaceQuality = {
    interOcularPx: 40,
    sharpness: 80,
    brightness: 120,
    faceInImage: 1,
    noseJawRatio: 0.5,
    rollDegrees: 2,
    frontalness: 0.95,
  };

  it('accepts a good face and lists every reason a bad one fails', () => {
    expect(assessEnrolmentQuality(good)).toEqual({ ok: true });
    expect(
      assessEnrolmentQuality({
        interOcularPx: 18.04,
        sharpness: 4.26,
        brightness: 231.5,
        faceInImage: 0.71,
        noseJawRatio: 0.18,
        rollDegrees: -12.34,
        frontalness: 0.35,
      }),
    ).toEqual({
      ok: false,
      reasons: [
        'face too small: eyes 18.0 px apart (minimum 24 px)',
        'face too blurred: sharpness 4.3 (minimum 10)',
        'face too bright: brightness 231.5 (maximum 220)',
        'face not frontal: frontalness 0.35 (minimum 0.5; nose at 0.18 between the jaw ends, eye line at -12.3°)',
        'face cut off by the image edge: 71% of it is inside (minimum 90%)',
      ],
    });
  });

  it('applies caller limits', () => {
    expect(
      assessEnrolmentQuality(good, { ...DEFAULT_QUALITY_LIMITS, minInterOcularPx: 60, minBrightness: 130 }),
    ).toEqual({
      ok: false,
      reasons: ['face too small: eyes 40.0 px apart (minimum 60 px)', 'face too dark: brightness 120.0 (minimum 130)'],
    });
  });
});

describe.skipIf(!hasSharedData)(`face quality of real faces (skipped if ${sharedDataSkipReason})`, () => {
  type FaceApi = Awaited<ReturnType<typeof loadFaceApi>>;
  let faceapi: FaceApi;
  beforeAll(async () => {
    faceapi = await loadFaceApi();
  });

  /**
   * face-api's 68 landmarks: on the whole image for the tightly cropped bbt and ORL faces, inside
   * its SSD detection for LFW photos (undefined when SSD finds no face).
   */
  async function landmarksOf(bgr: Mat, crop: 'whole-image' | 'detect'): Promise<Point[] | undefined> {
    const rgb = bgr.cvtColor(cv.COLOR_BGR2RGB);
    const tensor = faceapi.tf.tensor3d(new Uint8Array(rgb.getData()), [rgb.rows, rgb.cols, 3], 'int32');
    try {
      if (crop === 'whole-image') {
        const landmarks = await faceapi.detectLandmarks(tensor);
        if (Array.isArray(landmarks)) throw new Error('face-api returned landmarks for several faces');
        return landmarks.positions.map((p) => ({ x: p.x, y: p.y }));
      }
      const found = await faceapi
        .detectSingleFace(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
        .withFaceLandmarks();
      return found?.landmarks.positions.map((p) => ({ x: p.x, y: p.y }));
    } finally {
      tensor.dispose();
    }
  }

  async function measure(bgr: Mat, landmarks: readonly Point[]): Promise<FaceQuality> {
    const chip = faceChipTransform(landmarks);
    return measureFaceQuality(landmarks, chip, await extractFaceChip(bgr, chip), { width: bgr.cols, height: bgr.rows });
  }

  // Listed only when the shared data is there: this block is skipped otherwise.
  const listDir = (dir: string): string[] => (hasSharedData ? readdirSync(dir) : []);
  const bbtFaces = listDir(sharedPath('bbt', 'people')).flatMap((person) =>
    listDir(sharedPath('bbt', 'people', person)).map((file) => sharedPath('bbt', 'people', person, file)),
  );
  const orlFaces = Array.from({ length: 40 }, (_, s) => sharedPath('orl', `s${s + 1}`, '1.pgm'));
  const lfwFaces = listDir(sharedPath('lfw-dev', 'images'))
    .slice(0, 40)
    .map((person) => {
      const file = readdirSync(sharedPath('lfw-dev', 'images', person))[0] as string;
      return sharedPath('lfw-dev', 'images', person, file);
    });

  const range = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const pick = (q: number) => (sorted[Math.round(q * (sorted.length - 1))] as number).toFixed(2);
    return `${pick(0)} / ${pick(0.5)} / ${pick(1)}`;
  };

  it.each([
    ['bbt 150x150 greyscale crops', bbtFaces, 'whole-image', 0.85],
    ['ORL 92x112 greyscale crops', orlFaces, 'whole-image', 0.85],
    ['LFW 250x250 photos', lfwFaces, 'detect', 0.85],
  ] as const)(
    'accepts most %s and rejects every blurred and darkened copy, saying why',
    async (label, files, crop, minAccepted) => {
      const measured: FaceQuality[] = [];
      const rejected: string[] = [];
      const sharpnessDrop: number[] = [];
      const blurredSharpness: number[] = [];
      const darkError: number[] = [];
      const blurredKept: string[] = [];
      const darkKept: string[] = [];
      for (const file of files) {
        const bgr = cv.imread(file, cv.IMREAD_COLOR);
        const landmarks = await landmarksOf(bgr, crop);
        if (!landmarks) continue;
        const quality = await measure(bgr, landmarks);
        measured.push(quality);
        const verdict = assessEnrolmentQuality(quality);
        if (!verdict.ok) rejected.push(`${file.split('/').slice(-2).join('/')}: ${verdict.reasons.join('; ')}`);

        // The same pixels blurred by σ = 3 chip pixels, and darkened to 20%: same landmarks.
        const scale = faceChipTransform(landmarks).scale;
        const blurred = await measure(await bgr.gaussianBlurAsync(new cv.Size(0, 0), 3 * scale), landmarks);
        blurredSharpness.push(blurred.sharpness);
        sharpnessDrop.push(blurred.sharpness / quality.sharpness);
        const blurredVerdict = assessEnrolmentQuality(blurred);
        const blurReason = `face too blurred: sharpness ${blurred.sharpness.toFixed(1)} (minimum 10)`;
        if (blurredVerdict.ok || !blurredVerdict.reasons.includes(blurReason)) blurredKept.push(file);
        const dark = await measure(await bgr.convertToAsync(cv.CV_8UC3, 0.2), landmarks);
        darkError.push(Math.abs(dark.brightness - 0.2 * quality.brightness));
        const darkVerdict = assessEnrolmentQuality(dark);
        const darkReason = `face too dark: brightness ${dark.brightness.toFixed(1)} (minimum 40)`;
        if (darkVerdict.ok || !darkVerdict.reasons.includes(darkReason)) darkKept.push(file);
      }
      const accepted = (measured.length - rejected.length) / measured.length;
      console.log(
        `${label}: ${measured.length} of ${files.length} faces found, ` +
          `${(accepted * 100).toFixed(0)}% accepted (min / median / max):\n` +
          `  eyes apart ${range(measured.map((q) => q.interOcularPx))} px\n` +
          `  sharpness ${range(measured.map((q) => q.sharpness))}; blurred copy ${range(blurredSharpness)}, ` +
          `blurred / original ${range(sharpnessDrop)}\n` +
          `  brightness ${range(measured.map((q) => q.brightness))}; |dark copy − 0.2·original| ${range(darkError)}\n` +
          `  frontalness ${range(measured.map((q) => q.frontalness))}, roll ${range(measured.map((q) => q.rollDegrees))}°\n` +
          `  face in image ${range(measured.map((q) => q.faceInImage))}\n` +
          rejected.map((line) => `  rejected ${line}`).join('\n'),
      );
      expect(measured.length).toBeGreaterThanOrEqual(files.length * 0.8);
      expect(accepted).toBeGreaterThanOrEqual(minAccepted);
      expect(Math.max(...sharpnessDrop)).toBeLessThan(0.25);
      expect(blurredKept).toEqual([]);
      expect(Math.max(...darkError)).toBeLessThan(1);
      expect(darkKept).toEqual([]);
    },
  );

  it('rejects real turned heads as not frontal', async () => {
    for (const file of [sharedPath('bbt', 'people', 'stuart', 'stuart5.png'), sharedPath('orl', 's17', '10.pgm')]) {
      const bgr = cv.imread(file, cv.IMREAD_COLOR);
      const quality = await measure(bgr, (await landmarksOf(bgr, 'whole-image')) as Point[]);
      console.log(`${file}: frontalness ${quality.frontalness.toFixed(2)}, nose at ${quality.noseJawRatio.toFixed(2)}`);
      expect(assessEnrolmentQuality(quality)).toEqual({
        ok: false,
        reasons: [
          `face not frontal: frontalness ${quality.frontalness.toFixed(2)} (minimum 0.5; nose at ${quality.noseJawRatio.toFixed(2)} between the jaw ends, eye line at ${quality.rollDegrees.toFixed(1)}°)`,
        ],
      });
    }
  });

  it('measures a tilted copy of a real face as rolled, not turned', async () => {
    const bgr = cv.imread(sharedPath('bbt', 'people', 'penny', 'penny1.png'), cv.IMREAD_COLOR);
    const landmarks = (await landmarksOf(bgr, 'whole-image')) as Point[];
    const level = landmarkQuality(landmarks);
    const tilted = landmarkQuality(rotated(landmarks, 25, { x: 75, y: 75 }));
    expect(tilted.rollDegrees).toBeCloseTo(level.rollDegrees + 25, 10);
    expect(tilted.noseJawRatio).toBeCloseTo(level.noseJawRatio, 10);
    expect(tilted.interOcularPx).toBeCloseTo(level.interOcularPx, 10);
    expect(tilted.frontalness).toBeCloseTo(
      (1 - 2 * Math.abs(level.noseJawRatio - 0.5)) * Math.cos(((level.rollDegrees + 25) * Math.PI) / 180),
      10,
    );
  });

  it('rejects a face shrunk below the eye-distance minimum, one cut by the edge and one overexposed', async () => {
    const orl = cv.imread(sharedPath('orl', 's1', '1.pgm'), cv.IMREAD_COLOR);
    const landmarks = (await landmarksOf(orl, 'whole-image')) as Point[];
    const full = await measure(orl, landmarks);
    expect(assessEnrolmentQuality(full)).toEqual({ ok: true });

    // Half size: the same face with its eyes half as far apart.
    const half = orl.resize(56, 46, 0, 0, cv.INTER_AREA);
    const halfLandmarks = landmarks.map((p) => ({ x: (p.x + 0.5) * 0.5 - 0.5, y: (p.y + 0.5) * 0.5 - 0.5 }));
    const small = await measure(half, halfLandmarks);
    expect(small.interOcularPx).toBeCloseTo(full.interOcularPx / 2, 10);
    const smallVerdict = assessEnrolmentQuality(small);
    expect(smallVerdict.ok).toBe(false);
    if (!smallVerdict.ok) {
      expect(smallVerdict.reasons[0]).toBe(
        `face too small: eyes ${small.interOcularPx.toFixed(1)} px apart (minimum 24 px)`,
      );
    }

    // Only the top 70 rows: the mouth and chin are cut off.
    const top = orl.getRegion(new cv.Rect(0, 0, 92, 70)).copy();
    const cut = await measure(top, landmarks);
    expect(cut.faceInImage).toBeLessThan(0.9);
    expect(assessEnrolmentQuality(cut)).toEqual({
      ok: false,
      reasons: [`face cut off by the image edge: ${Math.round(cut.faceInImage * 100)}% of it is inside (minimum 90%)`],
    });

    const glare = await measure(await orl.convertToAsync(cv.CV_8UC3, 1, 120), landmarks);
    const glareVerdict = assessEnrolmentQuality(glare);
    expect(glareVerdict.ok).toBe(false);
    if (!glareVerdict.ok) {
      expect(glareVerdict.reasons).toContain(
        `face too bright: brightness ${glare.brightness.toFixed(1)} (maximum 220)`,
      );
    }
  });
});
