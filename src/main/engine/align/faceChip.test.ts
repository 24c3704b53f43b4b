import { beforeAll, describe, expect, it } from 'vitest';
import { loadFaceApi } from '../../../../test/support/faceApiReference.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import cv, { type Mat } from '../cv.js';
import type { Point } from '../geometry.js';
import type { RgbImage } from '../image/preprocess.js';
import {
  applyAffine,
  chipSampling,
  extractFaceChip,
  faceChipCoverage,
  faceChipTransform,
  fitSimilarity,
  meanFacePoint,
  templateCanonicalPoints,
  templatePoint,
  type Affine,
} from './faceChip.js';

/** 68 landmarks on dlib's template (17..67); the jaw (0..16), which alignment ignores, at the origin. */
function templateLandmarks(map: (p: Point) => Point = (p) => p): Point[] {
  return Array.from({ length: 68 }, (_, i) => (i < 17 ? { x: 0, y: 0 } : map(templatePoint(i))));
}

function similarity(scale: number, degrees: number, tx: number, ty: number): Affine {
  const a = scale * Math.cos((degrees * Math.PI) / 180);
  const b = scale * Math.sin((degrees * Math.PI) / 180);
  return [a, -b, tx, b, a, ty];
}

function expectAffineClose(actual: Affine, expected: Affine, digits = 12): void {
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, digits));
}

/** Deterministic pseudo-random numbers in [−1, 1) (LCG) so failures reproduce. */
function seededNoise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** The least-squares similarity by brute force: the 4x4 normal equations over (a, b, tx, ty). */
function similarityByNormalEquations(from: readonly Point[], to: readonly Point[]): Affine {
  const rows = from.flatMap((p, i) => [
    { coefficients: [p.x, -p.y, 1, 0], value: (to[i] as Point).x },
    { coefficients: [p.y, p.x, 0, 1], value: (to[i] as Point).y },
  ]);
  const m = [0, 1, 2, 3].map((i) => [
    ...[0, 1, 2, 3].map((j) =>
      rows.reduce((s, r) => s + (r.coefficients[i] as number) * (r.coefficients[j] as number), 0),
    ),
    rows.reduce((s, r) => s + (r.coefficients[i] as number) * r.value, 0),
  ]);
  for (let col = 0; col < 4; col++) {
    const pivot = m[col] as number[];
    for (let row = 0; row < 4; row++) {
      if (row === col) continue;
      const target = m[row] as number[];
      const factor = (target[col] as number) / (pivot[col] as number);
      for (let k = col; k < 5; k++) target[k] = (target[k] as number) - factor * (pivot[k] as number);
    }
  }
  const [a, b, tx, ty] = m.map((row, i) => (row[4] as number) / (row[i] as number)) as [number, number, number, number];
  return [a, -b, tx, b, a, ty];
}

interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * dlib's get_face_chip_details + extract_image_chip written out the way dlib's C++ computes them:
 * drectangle arithmetic, pyramid_down<2> in integers, interpolate_bilinear in doubles, truncation.
 * The reference the OpenCV implementation is held to.
 */
function dlibFaceChip(image: Pixels, landmarks: readonly Point[], size: number, padding: number): Pixels {
  const indices = Array.from({ length: 51 }, (_, i) => i + 17).filter(
    (i) => !(i <= 26 || (i >= 55 && i <= 59) || i >= 65),
  );
  const from = indices.map((i) => {
    const p = meanFacePoint(i);
    return { x: ((padding + p.x) / (2 * padding + 1)) * size, y: ((padding + p.y) / (2 * padding + 1)) * size };
  });
  const [a, , tx, b, , ty] = similarityByNormalEquations(
    from,
    indices.map((i) => landmarks[i] as Point),
  );
  const angle = Math.atan2(b, a);
  const scale = Math.hypot(a, b);
  const centre = { x: (a * size) / 2 - (b * size) / 2 + tx, y: (b * size) / 2 + (a * size) / 2 + ty };
  type R = { l: number; t: number; r: number; b: number };
  const w = size * scale - 1; // centered_drect(p, width, height) decrements both
  const rect: R = { l: centre.x - w / 2, t: centre.y - w / 2, r: centre.x + w / 2, b: centre.y + w / 2 };
  const area = (r: R) => (r.r - r.l + 1) * (r.b - r.t + 1);
  const down = (r: R): R => ({ l: r.l / 2 - 1.25, t: r.t / 2 - 0.75, r: r.r / 2 - 1.25, b: r.b / 2 - 0.75 });
  const rotate = (r: R, p: Point): Point => {
    const c = { x: (r.l + r.r) / 2, y: (r.t + r.b) / 2 };
    return {
      x: Math.cos(angle) * (p.x - c.x) - Math.sin(angle) * (p.y - c.y) + c.x,
      y: Math.sin(angle) * (p.x - c.x) + Math.cos(angle) * (p.y - c.y) + c.y,
    };
  };
  let depth = 0;
  let grow = 2;
  for (let r = down(rect); area(r) > size * size; r = down(r)) {
    depth++;
    grow = grow * 2 + 2;
  }
  const corners = [
    { x: rect.l, y: rect.t },
    { x: rect.r, y: rect.t },
    { x: rect.l, y: rect.b },
    { x: rect.r, y: rect.b },
  ].map((p) => rotate(rect, p));
  const round = (v: number) => Math.floor(v + 0.5);
  const box = {
    l: round(Math.max(Math.min(...corners.map((p) => p.x)) - grow, 0)),
    t: round(Math.max(Math.min(...corners.map((p) => p.y)) - grow, 0)),
    r: round(Math.min(Math.max(...corners.map((p) => p.x)) + grow, image.width - 1)),
    b: round(Math.min(Math.max(...corners.map((p) => p.y)) + grow, image.height - 1)),
  };
  const boxWidth = box.r - box.l + 1;
  const boxHeight = box.b - box.t + 1;
  let source: Pixels = { width: boxWidth, height: boxHeight, data: new Uint8Array(boxWidth * boxHeight * 3) };
  for (let y = 0; y < boxHeight; y++) {
    const start = ((box.t + y) * image.width + box.l) * 3;
    source.data.set(image.data.subarray(start, start + boxWidth * 3), y * boxWidth * 3);
  }
  for (let level = 0; level < depth; level++) {
    const { width: nc, height: nr, data: px } = source;
    const cols = Math.floor((nc - 3) / 2);
    const rows = Math.floor((nr - 3) / 2);
    const temp = new Float64Array(nr * cols * 3);
    for (let r = 0; r < nr; r++) {
      for (let c = 0; c < cols; c++) {
        for (let k = 0; k < 3; k++) {
          const at = (x: number) => px[(r * nc + x) * 3 + k] as number;
          const o = 2 * c;
          temp[(r * cols + c) * 3 + k] = at(o) + 4 * at(o + 1) + 6 * at(o + 2) + 4 * at(o + 3) + at(o + 4);
        }
      }
    }
    const out = new Uint8Array(rows * cols * 3);
    for (let r = 2, dr = 0; dr < rows; r += 2, dr++) {
      for (let c = 0; c < cols; c++) {
        for (let k = 0; k < 3; k++) {
          const at = (y: number) => temp[(y * cols + c) * 3 + k] as number;
          const sum = at(r - 2) + 4 * at(r - 1) + 6 * at(r) + 4 * at(r + 1) + at(r + 2);
          out[(dr * cols + c) * 3 + k] = Math.floor(sum / 256);
        }
      }
    }
    source = { width: cols, height: rows, data: out };
  }
  let levelRect: R = { l: rect.l - box.l, t: rect.t - box.t, r: rect.r - box.l, b: rect.b - box.t };
  for (let level = 0; level < depth; level++) levelRect = down(levelRect);
  const tl = rotate(levelRect, { x: levelRect.l, y: levelRect.t });
  const tr = rotate(levelRect, { x: levelRect.r, y: levelRect.t });
  const bl = rotate(levelRect, { x: levelRect.l, y: levelRect.b });
  const chip = new Uint8Array(size * size * 3);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const x = tl.x + ((tr.x - tl.x) * c) / (size - 1) + ((bl.x - tl.x) * r) / (size - 1);
      const y = tl.y + ((tr.y - tl.y) * c) / (size - 1) + ((bl.y - tl.y) * r) / (size - 1);
      const left = Math.floor(x);
      const top = Math.floor(y);
      if (!(left >= 0 && top >= 0 && left + 1 < source.width && top + 1 < source.height)) continue;
      const fx = x - left;
      const fy = y - top;
      for (let k = 0; k < 3; k++) {
        const at = (xx: number, yy: number) => source.data[(yy * source.width + xx) * 3 + k] as number;
        const value =
          (1 - fy) * ((1 - fx) * at(left, top) + fx * at(left + 1, top)) +
          fy * ((1 - fx) * at(left, top + 1) + fx * at(left + 1, top + 1));
        chip[(r * size + c) * 3 + k] = Math.trunc(value);
      }
    }
  }
  return { width: size, height: size, data: chip };
}

describe('faceChipTransform (pure geometry)', () => {
  it('maps the template onto itself: identity similarity, dlib puts template point p at chip pixel p − 0.5', () => {
    const chip = faceChipTransform(templateLandmarks());
    expect(chip.scale).toBeCloseTo(1, 12);
    expect(chip.angle).toBeCloseTo(0, 12);
    expect(chip.centre.x).toBeCloseTo(75, 12);
    expect(chip.centre.y).toBeCloseTo(75, 12);
    expectAffineClose(chip.chipToImage, [1, 0, 0.5, 0, 1, 0.5]);
    expectAffineClose(chip.imageToChip, [1, 0, -0.5, 0, 1, -0.5]);
    const eye = templateCanonicalPoints().leftEye;
    const inChip = applyAffine(chip.imageToChip, eye);
    expect(inChip.x).toBeCloseTo(eye.x - 0.5, 12);
    expect(inChip.y).toBeCloseTo(eye.y - 0.5, 12);
  });

  it('inverts a known rotation, scale and translation of the template', () => {
    // The face in the image is the template turned 20°, scaled 2x and moved to (300, 120).
    const placed = similarity(2, 20, 300, 120);
    const chip = faceChipTransform(templateLandmarks((p) => applyAffine(placed, p)));
    expect(chip.scale).toBeCloseTo(2, 12);
    expect((chip.angle * 180) / Math.PI).toBeCloseTo(20, 12);
    const centre = applyAffine(placed, { x: 75, y: 75 });
    expect(chip.centre.x).toBeCloseTo(centre.x, 10);
    expect(chip.centre.y).toBeCloseTo(centre.y, 10);
    // dlib's corners span size·scale − 1 = 299 image pixels over 149 chip pixels.
    const step = 299 / 149;
    const [a, b] = [Math.cos(Math.PI / 9) * step, Math.sin(Math.PI / 9) * step];
    expectAffineClose(chip.chipToImage, [a, -b, centre.x - (a - b) * 74.5, b, a, centre.y - (a + b) * 74.5], 10);
    // A template point p (in the image at placed(p)) lands at 74.5 + (p − 75)·2/step in the chip.
    for (const p of Object.values(templateCanonicalPoints())) {
      const inChip = applyAffine(chip.imageToChip, applyAffine(placed, p));
      expect(inChip.x).toBeCloseTo(74.5 + ((p.x - 75) * 2) / step, 10);
      expect(inChip.y).toBeCloseTo(74.5 + ((p.y - 75) * 2) / step, 10);
    }
    const back = applyAffine(chip.chipToImage, applyAffine(chip.imageToChip, { x: 123.4, y: 56.7 }));
    expect(back.x).toBeCloseTo(123.4, 10);
    expect(back.y).toBeCloseTo(56.7, 10);
  });

  it('fits the same least-squares similarity as the normal equations, on noisy landmarks', () => {
    const noise = seededNoise(68);
    const from = Array.from({ length: 33 }, (_, i) => templatePoint(27 + i < 55 ? 27 + i : 60 + i - 28));
    const to = from.map((p) => {
      const q = applyAffine(similarity(1.7, -12, 40, 90), p);
      return { x: q.x + noise() * 3, y: q.y + noise() * 3 };
    });
    expectAffineClose(fitSimilarity(from, to), similarityByNormalEquations(from, to), 9);
  });

  it('places the canonical points of the 150/0.25 template', () => {
    const points = templateCanonicalPoints();
    const rounded = Object.fromEntries(
      Object.entries(points).map(([name, p]) => [name, [Number(p.x.toFixed(3)), Number(p.y.toFixed(3))]]),
    );
    expect(rounded).toEqual({
      leftEye: [47.549, 46.599],
      rightEye: [100.476, 46.599],
      noseTip: [74.013, 76.563],
      leftMouthCorner: [50.415, 103.023],
      rightMouthCorner: [97.61, 103.023],
    });
  });

  it('refuses landmark sets it cannot align, saying why', () => {
    expect(() => faceChipTransform(templateLandmarks().slice(1))).toThrow('face alignment needs 68 landmarks, got 67');
    expect(() => faceChipTransform(templateLandmarks(() => ({ x: 5, y: 5 })))).toThrow(
      'the landmarks are degenerate: they all coincide',
    );
    expect(() => faceChipTransform(templateLandmarks((p) => ({ x: p.x, y: Number.NaN })))).toThrow(
      'face alignment needs finite landmark coordinates',
    );
  });
});

describe('extractFaceChip on synthetic images', () => {
  it('samples a template-placed image where dlib does: one white pixel stays one white pixel', async () => {
    // Template moved by (10.5, 20.5): chip pixel (c, r) samples image point (c + 11, r + 21) exactly.
    const image = new cv.Mat(200, 200, cv.CV_8UC3, [0, 0, 0]);
    image.set(70, 60, [255, 255, 255]);
    const chip = faceChipTransform(templateLandmarks((p) => ({ x: p.x + 10.5, y: p.y + 20.5 })));
    const { data } = await extractFaceChip(image, chip);
    const lit = [...data.keys()].filter((i) => data[i] !== 0);
    const at = (49 * 150 + 49) * 3;
    expect(lit).toEqual([at, at + 1, at + 2]);
    expect([...data.subarray(at, at + 3)]).toEqual([255, 255, 255]);
    const mapped = applyAffine(chip.imageToChip, { x: 60, y: 70 });
    expect([mapped.x, mapped.y].map((v) => Number(v.toFixed(12)))).toEqual([49, 49]);
  });

  it('leaves black what lies outside the image, and all black for a face entirely outside', async () => {
    const grey = new cv.Mat(120, 120, cv.CV_8UC3, [90, 90, 90]);
    // At unit scale chip pixel c samples image point c + 0.5: its 2x2 neighbourhood is inside for c ≤ 118.
    const chip = faceChipTransform(templateLandmarks());
    const { data } = await extractFaceChip(grey, chip);
    const coverage = faceChipCoverage(chip, 120, 120);
    const covered = coverage.reduce((sum, v) => sum + v, 0);
    expect(covered).toBe(119 * 119);
    coverage.forEach((inside, pixel) => expect(data[pixel * 3]).toBe(inside ? 90 : 0));

    const away = faceChipTransform(templateLandmarks((p) => ({ x: p.x + 1000, y: p.y })));
    expect((await extractFaceChip(grey, away)).data.every((v) => v === 0)).toBe(true);
    expect(faceChipCoverage(away, 120, 120).every((v) => v === 0)).toBe(true);
  });

  it('refuses an image that is not 8-bit BGR', async () => {
    const chip = faceChipTransform(templateLandmarks());
    await expect(extractFaceChip(new cv.Mat(100, 100, cv.CV_8UC1, 0), chip)).rejects.toThrow(
      'extractFaceChip needs an 8-bit BGR image (CV_8UC3)',
    );
  });
});

describe.skipIf(!hasSharedData)(`extractFaceChip on real faces (skipped if ${sharedDataSkipReason})`, () => {
  type FaceApi = Awaited<ReturnType<typeof loadFaceApi>>;
  let faceapi: FaceApi;
  beforeAll(async () => {
    faceapi = await loadFaceApi();
  });

  /** face-api's own SSD detection and 68 landmarks: the landmarks the engine's nets reproduce. */
  async function landmarksOf(bgr: Mat): Promise<Point[]> {
    const rgb = bgr.cvtColor(cv.COLOR_BGR2RGB);
    const tensor = faceapi.tf.tensor3d(new Uint8Array(rgb.getData()), [rgb.rows, rgb.cols, 3], 'int32');
    const result = await faceapi
      .detectSingleFace(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 }))
      .withFaceLandmarks();
    tensor.dispose();
    if (!result) throw new Error('face-api found no face in the test photo');
    return result.landmarks.positions.map((p) => ({ x: p.x, y: p.y }));
  }

  function rgbPixels(bgr: Mat): RgbImage {
    const rgb = bgr.cvtColor(cv.COLOR_BGR2RGB);
    return { width: rgb.cols, height: rgb.rows, data: new Uint8Array(rgb.getData()) };
  }

  function eyeCentres(points: readonly Point[]): [Point, Point] {
    const mean = (from: number) => {
      const six = points.slice(from, from + 6);
      return { x: six.reduce((s, p) => s + p.x, 0) / 6, y: six.reduce((s, p) => s + p.y, 0) / 6 };
    };
    return [mean(36), mean(42)];
  }

  const photo = (name: string) => cv.imread(sharedPath('lfw-dev', 'images', name.replace(/_\d+\.jpg$/, ''), name));
  const turned = (bgr: Mat, degrees: number) =>
    bgr.warpAffine(
      cv.getRotationMatrix2D(new cv.Point2(bgr.cols / 2, bgr.rows / 2), degrees, 1),
      new cv.Size(bgr.cols, bgr.rows),
    );
  const enlarged = (bgr: Mat, factor: number) =>
    bgr.resize(Math.round(bgr.rows * factor), Math.round(bgr.cols * factor), 0, 0, cv.INTER_CUBIC);

  it.each([
    ['an LFW photo as it is (no pyramid)', () => photo('George_Lucas_0001.jpg'), 0],
    ['the photo enlarged 3x (one pyramid level)', () => enlarged(photo('George_Lucas_0001.jpg'), 3), 1],
    [
      'the photo enlarged 6.5x and turned 17° (two levels)',
      () => turned(enlarged(photo('George_Lucas_0001.jpg'), 6.5), 17),
      2,
    ],
    ['another face turned −25°', () => turned(enlarged(photo('Tony_Shalhoub_0001.jpg'), 1.3), -25), 0],
  ] as const)('matches dlib within one grey level on %s', async (label, load, levels) => {
    const bgr = load();
    const landmarks = await landmarksOf(bgr);
    const chip = faceChipTransform(landmarks);
    const ours = await extractFaceChip(bgr, chip);
    const reference = dlibFaceChip(rgbPixels(bgr), landmarks, 150, 0.25);

    let maxDiff = 0;
    let equal = 0;
    ours.data.forEach((value, i) => {
      const diff = Math.abs(value - (reference.data[i] as number));
      maxDiff = Math.max(maxDiff, diff);
      if (diff === 0) equal++;
    });
    // The eyes come out level and where the template puts them (p − 0.5, within the fit's residual).
    const [left, right] = eyeCentres(landmarks).map((p) => applyAffine(chip.imageToChip, p)) as [Point, Point];
    const template = templateCanonicalPoints();
    const eyeError = Math.max(
      Math.hypot(left.x - (template.leftEye.x - 0.5), left.y - (template.leftEye.y - 0.5)),
      Math.hypot(right.x - (template.rightEye.x - 0.5), right.y - (template.rightEye.y - 0.5)),
    );
    const eyeTilt = (Math.atan2(right.y - left.y, right.x - left.x) * 180) / Math.PI;
    // Without dlib's pyramid, plain bilinear sampling of a large face aliases: far from dlib's chip.
    const plain = new Uint8Array(
      bgr
        .warpAffine(
          new cv.Mat([chip.chipToImage.slice(0, 3), chip.chipToImage.slice(3)], cv.CV_64F),
          new cv.Size(150, 150),
          cv.INTER_LINEAR | cv.WARP_INVERSE_MAP,
        )
        .cvtColor(cv.COLOR_BGR2RGB)
        .getData(),
    );
    const plainMeanDiff =
      plain.reduce((sum, v, i) => sum + Math.abs(v - (reference.data[i] as number)), 0) / plain.length;
    console.log(
      `${label}: scale ${chip.scale.toFixed(3)}, ${((100 * equal) / ours.data.length).toFixed(1)}% of values ` +
        `equal to dlib's, max diff ${maxDiff} (plain warpAffine: mean diff ${plainMeanDiff.toFixed(2)}); ` +
        `eyes ${eyeError.toFixed(2)} px from the template, tilt ${eyeTilt.toFixed(2)}°`,
    );
    if (levels > 0) expect(plainMeanDiff).toBeGreaterThan(1);
    expect(chipSampling(chip, bgr.cols, bgr.rows)?.levels).toBe(levels);
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(equal / ours.data.length).toBeGreaterThan(0.9);
    expect(eyeError).toBeLessThan(4);
    expect(Math.abs(eyeTilt)).toBeLessThan(3);
  });
});
