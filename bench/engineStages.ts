import { availableParallelism } from 'node:os';
import { extractFaceChip, faceChipTransform } from '../src/main/engine/align/faceChip.js';
import type { DetectorKind, EngineConfig } from '../src/main/engine/config.js';
import { loadDetector } from '../src/main/engine/detect/loadDetector.js';
import { SSD_INPUT_SIZE } from '../src/main/engine/detect/ssdDecode.js';
import { loadEmbedStage } from '../src/main/engine/embed/embedStage.js';
import type { DetectedFace } from '../src/main/engine/geometry.js';
import { decodeImageFile } from '../src/main/engine/image/decodeImage.js';
import type { Frame } from '../src/main/engine/image/frame.js';
import type { RgbImage } from '../src/main/engine/image/preprocess.js';
import { loadLandmarkStage } from '../src/main/engine/landmarks/landmarkStage.js';
import type { ModelSet } from '../src/main/engine/models/modelSet.js';
import type { BenchRow } from './matcher.js';
import { startEventLoopMonitor } from './eventLoopDelay.js';
import { summarise, timeEach, warmUp, type Summary, type Timed } from './stats.js';

export interface StageBench {
  readonly rows: BenchRow[];
  /** Milliseconds per face for one descriptor (batch 1, batch 8, batch 1 on one thread): face-api's rivals. */
  readonly embedBatch1: Summary;
  readonly embedBatch8: Summary;
  readonly embedOneThread: Summary;
  /** The aligned chips of every face found, for face-api's descriptor on the very same inputs. */
  readonly chips: RgbImage[];
}

export const EMBED_BATCH = 8;

interface StageTiming {
  readonly ms: readonly number[];
  /** The longest the event loop waited while this stage ran. */
  readonly loopMaxMs: number;
}

/** Times `work` on each item, watching the event loop meanwhile. */
async function timeStage<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<StageTiming & Timed<R>> {
  await warmUp(items, work);
  const monitor = await startEventLoopMonitor();
  const timed = await timeEach(items, work);
  return { ...timed, loopMaxMs: (await monitor.stop()).max };
}

function msRow(name: string, timing: StageTiming, what: string, detail = '', samples = `${what}s`): BenchRow {
  const summary = summarise(timing.ms);
  return {
    name,
    value: summary.median,
    unit: `ms per ${what} (median)`,
    detail: [
      `p90 ${summary.p90.toFixed(2)} ms over ${summary.count} ${samples}`,
      detail,
      `event loop blocked up to ${timing.loopMaxMs.toFixed(1)} ms`,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

function detectorLabel(kind: DetectorKind, config: EngineConfig): string {
  switch (kind) {
    case 'ssd':
      return `detect: SSD-MobileNetV1, ${SSD_INPUT_SIZE}x${SSD_INPUT_SIZE} input`;
    case 'tiny':
      return `detect: tiny face detector, ${config.tinyInputSize}x${config.tinyInputSize} input`;
    case 'haar':
      return `detect: Haar cascade, full image (scale ${config.haarScaleFactor}, ${config.haarMinNeighbors} neighbours)`;
  }
}

/** `count` items from `items`, starting at `start` and wrapping round, so every batch is full. */
function cyclicBatch<T>(items: readonly T[], start: number, count: number): T[] {
  return Array.from({ length: count }, (_, k) => items[(start + k) % items.length] as T);
}

/**
 * Each stage on its own, one image or one face per call: decode, the three detectors, one
 * landmark pass, alignment, and the descriptor at batch 1 and 8; SSD and the descriptor also on
 * `oneThreadModels` (sessions limited to one thread).
 */
export async function benchEngineStages(
  models: ModelSet,
  oneThreadModels: ModelSet,
  paths: readonly string[],
  config: EngineConfig,
  progress: (message: string) => void,
): Promise<StageBench> {
  const rows: BenchRow[] = [];

  progress('decode');
  const decoded = await timeStage(paths, (path) => decodeImageFile(path, { maxPixels: config.maxImagePixels }));
  const frames: Frame[] = decoded.results;
  const sizes = new Set(frames.map((frame) => `${frame.width}x${frame.height}`));
  rows.push(msRow('decode: file → BGR + RGB', decoded, 'image', `images ${[...sizes].join(', ')}`));

  let ssdFaces: DetectedFace[][] = [];
  for (const kind of ['ssd', 'tiny', 'haar'] as const) {
    progress(`detect (${kind})`);
    const detector = await loadDetector(models, config, kind);
    const detected = await timeStage(frames, async (frame) => (await detector.run([frame])).outputs[0] ?? []);
    const found = detected.results.reduce((sum, faces) => sum + faces.length, 0);
    rows.push(msRow(detectorLabel(kind, config), detected, 'image', `${found} faces found`));
    if (kind === 'ssd') ssdFaces = detected.results;
  }
  // face-api's wasm backend computes on one thread: these rows show what the other cores add.
  const oneThreadSsd = await loadDetector(oneThreadModels, config, 'ssd');
  const ssdOneThread = await timeStage(frames, (frame) => oneThreadSsd.run([frame]));
  rows.push(msRow(`${detectorLabel('ssd', config)}, one thread`, ssdOneThread, 'image', 'intraOpThreads 1'));

  progress('landmarks');
  const landmarkStage = await loadLandmarkStage(models);
  const requests = frames.flatMap((frame, index) => (ssdFaces[index] ?? []).map((face) => ({ frame, face })));
  const located = await timeStage(requests, async (request) => (await landmarkStage.run([request])).outputs[0] ?? null);
  rows.push(msRow('landmarks: 68 points, one pass (batch 1)', located, 'face', 'on the SSD boxes'));

  progress('align');
  const faces = requests.flatMap((request, index) => {
    const landmarks = located.results[index];
    return landmarks ? [{ frame: request.frame, landmarks }] : [];
  });
  const aligned = await timeStage(faces, ({ frame, landmarks }) =>
    extractFaceChip(frame.bgr, faceChipTransform(landmarks)),
  );
  const chips = aligned.results;
  rows.push(msRow('align: dlib face chip 150x150', aligned, 'face'));

  progress('embed');
  const embedStage = await loadEmbedStage(models);
  const batch1 = await timeStage(chips, (chip) => embedStage.run([chip]));
  rows.push(msRow('embed: ResNet-34 descriptor, batch 1', batch1, 'face', `ONNX Runtime on ${threadsLabel(config)}`));

  const batches = Array.from({ length: Math.ceil(chips.length / EMBED_BATCH) }, (_, index) =>
    cyclicBatch(chips, index * EMBED_BATCH, EMBED_BATCH),
  );
  const batch8 = await timeStage(batches, (batch) => embedStage.run(batch));
  const perFace = { ...batch8, ms: batch8.ms.map((ms) => ms / EMBED_BATCH) };
  rows.push(
    msRow(`embed: ResNet-34 descriptor, batch ${EMBED_BATCH}`, perFace, 'face', '', `batches of ${EMBED_BATCH}`),
  );

  const oneThreadEmbed = await loadEmbedStage(oneThreadModels);
  const oneThread = await timeStage(chips, (chip) => oneThreadEmbed.run([chip]));
  rows.push(msRow('embed: ResNet-34 descriptor, batch 1, one thread', oneThread, 'face', 'intraOpThreads 1'));

  return {
    rows,
    embedBatch1: summarise(batch1.ms),
    embedBatch8: summarise(perFace.ms),
    embedOneThread: summarise(oneThread.ms),
    chips,
  };
}

export function threadsLabel(config: EngineConfig): string {
  return config.intraOpThreads === 0
    ? `one thread per core (${availableParallelism()})`
    : `${config.intraOpThreads} threads`;
}
