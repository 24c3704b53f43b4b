import { extractFaceChip, faceChipTransform, type FaceChip } from './align/faceChip.js';
import type { EngineConfig } from './config.js';
import { loadDetector, type FaceDetector } from './detect/loadDetector.js';
import { loadEmbedStage, mirrorChip } from './embed/embedStage.js';
import type { Box, DetectedFace, Point } from './geometry.js';
import type { Frame } from './image/frame.js';
import type { RgbImage } from './image/preprocess.js';
import { loadLandmarkStage, type LandmarkRequest, type Landmarks68 } from './landmarks/landmarkStage.js';
import { boxFromLandmarks, meanLandmarks } from './landmarks/refineBox.js';
import type { ModelSet } from './models/modelSet.js';
import { measureFaceQuality, type FaceQuality } from './quality/faceQuality.js';
import { addTiming, timed, type Stage, type StageTimings } from './stage.js';

/** Everything the engine knows about one face in one image. */
export interface AnalysedFace {
  readonly box: Box;
  readonly score: number;
  /** 68 points in image pixels. */
  readonly landmarks: readonly Point[];
  readonly chip: FaceChip;
  readonly quality: FaceQuality;
  /** The 128-d descriptor of the aligned chip; null when the caller asked for no descriptors. */
  readonly descriptor: Float32Array | null;
}

export interface FrameAnalysis {
  readonly faces: AnalysedFace[];
  /** Milliseconds per stage for this call (a batch's time is shared by its frames). */
  readonly timings: StageTimings;
}

export interface AnalyseOptions {
  /**
   * Compute descriptors (default true). Without them the landmarks take one pass, not the
   * refinements: the live loop tracks decided faces this way on most detection frames.
   */
  readonly describe?: boolean;
  /** Use these boxes instead of detecting (one list per frame). */
  readonly faces?: readonly (readonly DetectedFace[])[];
}

interface ChipRequest {
  readonly frame: Frame;
  readonly landmarks: readonly Point[];
}

interface AlignedFace {
  readonly chip: FaceChip;
  readonly pixels: RgbImage;
}

/** Embedding batches above this size are split, to bound ONNX Runtime's working memory. */
const MAX_EMBED_BATCH = 16;

function loadAlignStage(): Stage<ChipRequest, AlignedFace> {
  return {
    name: 'align',
    run: (requests) =>
      timed(() =>
        Promise.all(
          requests.map(async ({ frame, landmarks }) => {
            const chip = faceChipTransform(landmarks);
            return { chip, pixels: await extractFaceChip(frame.bgr, chip) };
          }),
        ),
      ),
  };
}

function loadQualityStage(): Stage<ChipRequest & AlignedFace, FaceQuality> {
  return {
    name: 'quality',
    run: (requests) =>
      timed(() =>
        Promise.all(
          requests.map(({ frame, landmarks, chip, pixels }) => measureFaceQuality(landmarks, chip, pixels, frame)),
        ),
      ),
  };
}

/**
 * detect → landmarks → align (+ quality) → embed, wired once. Every stage runs on the whole
 * batch. OpenCV's async calls run on libuv's pool; onnxruntime-node's run() computes on the
 * calling thread (measured: SSD holds the event loop for up to ~0.5 s), so inference belongs in
 * a worker thread wherever the event loop must stay responsive.
 */
export class FacePipeline {
  private constructor(
    private readonly config: EngineConfig,
    readonly detector: FaceDetector,
    private readonly landmarks: Stage<LandmarkRequest, Landmarks68>,
    private readonly align: Stage<ChipRequest, AlignedFace>,
    private readonly quality: Stage<ChipRequest & AlignedFace, FaceQuality>,
    private readonly embed: Stage<RgbImage, Float32Array>,
  ) {}

  static async load(models: ModelSet, config: EngineConfig): Promise<FacePipeline> {
    const [detector, landmarks, embed] = await Promise.all([
      loadDetector(models, config),
      loadLandmarkStage(models),
      loadEmbedStage(models),
    ]);
    return new FacePipeline(config, detector, landmarks, loadAlignStage(), loadQualityStage(), embed);
  }

  /**
   * Landmarks for each face: one pass on the detector's box, then `refinements` passes on boxes
   * predicted from the previous pass, averaged. Faces wholly outside the image are dropped.
   */
  private async locateLandmarks<R extends LandmarkRequest>(
    requests: readonly R[],
    refinements: number,
    timings: StageTimings,
  ): Promise<(R & { landmarks: readonly Point[] })[]> {
    const first = await this.landmarks.run(requests);
    addTiming(timings, 'landmarks', first.ms);
    let located = requests.flatMap((request, index) => {
      const landmarks = first.outputs[index];
      return landmarks ? [{ request, passes: [] as (readonly Point[])[], last: landmarks }] : [];
    });
    for (let pass = 0; pass < refinements; pass++) {
      const run = await this.landmarks.run(
        located.map(({ request, last }) => ({
          frame: request.frame,
          face: { box: boxFromLandmarks(last), score: request.face.score },
        })),
      );
      addTiming(timings, 'landmarks', run.ms);
      located = located.flatMap((entry, index) => {
        const landmarks = run.outputs[index];
        return landmarks ? [{ ...entry, passes: [...entry.passes, landmarks], last: landmarks }] : [];
      });
    }
    return located.map(({ request, passes, last }) => ({
      ...request,
      landmarks: passes.length > 0 ? meanLandmarks(passes) : last,
    }));
  }

  /** Descriptors in batches, each averaged with its mirror image's when configured. */
  private async describe(chips: readonly RgbImage[], timings: StageTimings): Promise<Float32Array[]> {
    const inputs = this.config.mirrorEmbedding ? chips.flatMap((chip) => [chip, mirrorChip(chip)]) : [...chips];
    const outputs: Float32Array[] = [];
    for (let start = 0; start < inputs.length; start += MAX_EMBED_BATCH) {
      const run = await this.embed.run(inputs.slice(start, start + MAX_EMBED_BATCH));
      addTiming(timings, 'embed', run.ms);
      outputs.push(...run.outputs);
    }
    if (!this.config.mirrorEmbedding) return outputs;
    return chips.map((_, index) => {
      const [plain, mirrored] = [outputs[2 * index] as Float32Array, outputs[2 * index + 1] as Float32Array];
      return plain.map((value, k) => (value + (mirrored[k] as number)) / 2);
    });
  }

  async analyse(frames: readonly Frame[], options: AnalyseOptions = {}): Promise<FrameAnalysis[]> {
    const timings: StageTimings = {};
    let detected = options.faces;
    if (!detected) {
      const detection = await this.detector.run(frames);
      addTiming(timings, 'detect', detection.ms);
      detected = detection.outputs;
    }

    const requests = frames.flatMap((frame, frameIndex) =>
      (detected[frameIndex] ?? []).map((face) => ({ frame, face, frameIndex })),
    );
    const describe = options.describe ?? true;
    // The refinements sharpen the alignment a descriptor is made from; without one, a pass will do.
    const located = await this.locateLandmarks(requests, describe ? this.config.landmarkRefinements : 0, timings);

    const alignRun = await this.align.run(located);
    addTiming(timings, 'align', alignRun.ms);
    const aligned = located.map((request, index) => ({ ...request, ...(alignRun.outputs[index] as AlignedFace) }));

    const qualityRun = await this.quality.run(aligned);
    addTiming(timings, 'quality', qualityRun.ms);

    const descriptors: (Float32Array | null)[] = describe
      ? await this.describe(
          aligned.map((face) => face.pixels),
          timings,
        )
      : aligned.map(() => null);

    const perFrame: AnalysedFace[][] = frames.map(() => []);
    aligned.forEach((face, index) => {
      perFrame[face.frameIndex]?.push({
        box: face.face.box,
        score: face.face.score,
        landmarks: face.landmarks,
        chip: face.chip,
        quality: qualityRun.outputs[index] as FaceQuality,
        descriptor: descriptors[index] ?? null,
      });
    });
    return perFrame.map((faces) => ({ faces, timings }));
  }
}
