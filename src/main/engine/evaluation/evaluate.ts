import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FaceEngine } from '../faceEngine.js';
import { intersectionOverUnion, type DetectedFace } from '../geometry.js';
import type { AnalysedFace } from '../pipeline.js';
import { Gallery } from '../match/gallery.js';
import { predictLinear, trainLinearClassifier } from '../match/linearClassifier.js';
import { euclideanDistance, knnVote, nearest } from '../match/match.js';
import {
  bestThresholdAccuracy,
  crossValidatedAccuracy,
  rocAuc,
  tarAtFar,
  type VerificationPair,
} from '../match/verificationMetrics.js';
import { parsePairsFile } from './pairsFile.js';

/** How the face of an evaluation image was found (the LFW protocol still needs a descriptor). */
export type FaceSource = 'detected' | 'low-score' | 'centre-box';

export interface DescribedImage {
  readonly descriptor: Float32Array;
  readonly source: FaceSource;
}

/**
 * Describes the subject of an evaluation photo: the detected face nearest the image centre (LFW
 * photos are centred on their subject), pooling the DNN detector and the Haar cascade; when both
 * find nothing, the largest low-score detection, else a centred box.
 */
class SubjectDescriber {
  constructor(private readonly engine: FaceEngine) {}

  async describe(path: string): Promise<DescribedImage> {
    const input = { kind: 'file', path } as const;
    const { width, height, faces } = await this.engine.analyser.detect(input, ['configured', 'haar']);
    const [dnnFaces = [], haarFaces = []] = faces;
    // Keep a Haar box only where the DNN detector has nothing.
    const pooled = [
      ...dnnFaces,
      ...haarFaces.filter((face) => dnnFaces.every((d) => intersectionOverUnion(d.box, face.box) < 0.3)),
    ];
    const centred = nearestCentre(await this.engine.analyseBoxes(path, pooled), width, height);
    if (centred) return { descriptor: centred, source: 'detected' };

    const [low = []] = (await this.engine.analyser.detect(input, ['low-score'])).faces;
    const largest = [...low].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
    const fallback: DetectedFace = largest ?? {
      box: { x: width * 0.25, y: height * 0.25, width: width * 0.5, height: height * 0.5 },
      score: 0,
    };
    const [face] = await this.engine.analyseBoxes(path, [fallback]);
    if (!face?.descriptor) throw new Error(`no face could be described in ${path}`);
    return { descriptor: face.descriptor, source: largest ? 'low-score' : 'centre-box' };
  }
}

function nearestCentre(faces: readonly AnalysedFace[], width: number, height: number): Float32Array | null {
  let best: Float32Array | null = null;
  let bestDistance = Infinity;
  for (const face of faces) {
    const distance = Math.hypot(
      face.box.x + face.box.width / 2 - width / 2,
      face.box.y + face.box.height / 2 - height / 2,
    );
    if (face.descriptor && distance < bestDistance) {
      bestDistance = distance;
      best = face.descriptor;
    }
  }
  return best;
}

export interface PairsEvaluation {
  readonly accuracy: number;
  readonly std: number;
  readonly auc: number;
  readonly tarAtFar1e3: number;
  readonly threshold: number;
  readonly pairs: number;
  readonly fallbacks: number;
}

/** The LFW protocol: 10-fold cross-validation when the file has folds, else best-threshold accuracy. */
export async function evaluatePairs(
  engine: FaceEngine,
  pairsPath: string,
  imagesRoot: string,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<PairsEvaluation> {
  const { pairs, folds } = parsePairsFile(readFileSync(pairsPath, 'utf8'), imagesRoot);
  const describer = new SubjectDescriber(engine);
  const described = new Map<string, DescribedImage>();
  const images = [...new Set(pairs.flatMap((pair) => [pair.a, pair.b]))];
  for (const [index, path] of images.entries()) {
    described.set(path, await describer.describe(path));
    onProgress(index + 1, images.length);
  }
  const scored: VerificationPair[] = pairs.map((pair) => ({
    distance: euclideanDistance(described.get(pair.a)?.descriptor ?? [], described.get(pair.b)?.descriptor ?? []),
    same: pair.same,
    ...(pair.fold === undefined ? {} : { fold: pair.fold }),
  }));
  const fallbacks = [...described.values()].filter((image) => image.source !== 'detected').length;
  const best = bestThresholdAccuracy(scored);
  const crossValidated = folds > 1 ? crossValidatedAccuracy(scored, folds) : null;
  return {
    accuracy: crossValidated ? crossValidated.mean : best.accuracy,
    std: crossValidated ? crossValidated.std : 0,
    auc: rocAuc(scored),
    tarAtFar1e3: tarAtFar(scored, 1e-3).tar,
    threshold: best.threshold,
    pairs: scored.length,
    fallbacks,
  };
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.pgm', '.ppm', '.bmp', '.webp', '.tif', '.tiff']);

/** `<dir>/<person>/<images>`, people and images in name order. */
export function listPeopleFolders(dir: string): { person: string; files: string[] }[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((person) => ({
      person,
      files: readdirSync(join(dir, person))
        .filter((file) => IMAGE_EXTENSIONS.has(extname(file).toLowerCase()))
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
        .map((file) => join(dir, person, file)),
    }))
    .filter((entry) => entry.files.length > 0);
}

export type IdentSplit = { readonly kind: 'odd-even' } | { readonly kind: 'first'; readonly count: number };

export interface LabelledDescriptor {
  readonly person: string;
  readonly descriptor: Float32Array;
}

export interface StrategyResult {
  readonly name: 'nearest' | 'knn' | 'linear';
  /** Closed set: probes of enrolled people identified as the right person. */
  readonly accuracy: number;
  /** Open set: probes of people left out of the gallery accepted as somebody. */
  readonly openSetFalseAccept: number;
}

export interface IdentEvaluation {
  readonly strategies: StrategyResult[];
  readonly galleryImages: number;
  readonly probeImages: number;
  readonly fallbacks: number;
}

/** Splits each person's photos into gallery and probes. */
export function splitPeople(
  people: readonly { person: string; files: string[] }[],
  split: IdentSplit,
): { gallery: { person: string; file: string }[]; probes: { person: string; file: string }[] } {
  const gallery: { person: string; file: string }[] = [];
  const probes: { person: string; file: string }[] = [];
  for (const { person, files } of people) {
    files.forEach((file, index) => {
      const inGallery = split.kind === 'odd-even' ? index % 2 === 0 : index < split.count;
      (inGallery ? gallery : probes).push({ person, file });
    });
  }
  return { gallery, probes };
}

type Classifier = (probe: Float32Array) => string | null;

function buildClassifiers(
  gallery: readonly LabelledDescriptor[],
  threshold: number,
): Record<StrategyResult['name'], Classifier> {
  const index = new Gallery();
  gallery.forEach((entry, row) => index.add(String(row), entry.person, entry.descriptor));
  const linear = trainLinearClassifier(
    gallery.map((entry) => ({ embedding: entry.descriptor, personId: entry.person })),
  );
  return {
    nearest: (probe) => nearest(index, probe, { threshold }).personId,
    knn: (probe) => knnVote(index, probe, { k: 3, threshold }).personId,
    linear: (probe) => predictLinear(linear, probe, { threshold }).personId,
  };
}

/**
 * Closed-set identification accuracy per strategy, and the open-set false-accept rate measured by
 * leaving each person out of the gallery in turn and probing with their photos.
 */
export function evaluateIdentification(
  gallery: readonly LabelledDescriptor[],
  probes: readonly LabelledDescriptor[],
  threshold: number,
): StrategyResult[] {
  const names = ['nearest', 'knn', 'linear'] as const;
  const closed = buildClassifiers(gallery, threshold);
  const correct = Object.fromEntries(names.map((name) => [name, 0])) as Record<(typeof names)[number], number>;
  const falseAccepts = { ...correct };
  for (const probe of probes) {
    for (const name of names) if (closed[name](probe.descriptor) === probe.person) correct[name]++;
  }
  const people = [...new Set(gallery.map((entry) => entry.person))];
  let openProbes = 0;
  for (const person of people) {
    const without = buildClassifiers(
      gallery.filter((entry) => entry.person !== person),
      threshold,
    );
    for (const probe of probes.filter((entry) => entry.person === person)) {
      openProbes++;
      for (const name of names) if (without[name](probe.descriptor) !== null) falseAccepts[name]++;
    }
  }
  return names.map((name) => ({
    name,
    accuracy: probes.length > 0 ? correct[name] / probes.length : 0,
    openSetFalseAccept: openProbes > 0 ? falseAccepts[name] / openProbes : 0,
  }));
}

/** The largest face of an identification photo, or the whole photo as the face when none is found. */
export async function describeLargestFace(engine: FaceEngine, path: string): Promise<DescribedImage> {
  const { width, height, faces } = await engine.analyseFile(path);
  const face = faces.find((candidate) => candidate.descriptor);
  if (face?.descriptor) return { descriptor: face.descriptor, source: 'detected' };
  // Tight crops (ORL, bbt) are sometimes the face itself, edge to edge.
  const [whole] = await engine.analyseBoxes(path, [{ box: { x: 0, y: 0, width, height }, score: 0 }]);
  if (!whole?.descriptor) throw new Error(`${path}: no face could be described`);
  return { descriptor: whole.descriptor, source: 'centre-box' };
}
