import type { EngineConfig } from '../config.js';
import cv from '../cv.js';
import { loadDetector, type FaceDetector } from '../detect/loadDetector.js';
import type { Box, DetectedFace } from '../geometry.js';
import { decodeImageFile, type DecodedImage } from '../image/decodeImage.js';
import { frameFromBgr, type Frame } from '../image/frame.js';
import type { ModelSet } from '../models/modelSet.js';
import { FacePipeline, type AnalysedFace } from '../pipeline.js';
import { addTiming, type StageName, type StageTimings } from '../stage.js';

/**
 * A file the analyser decodes itself (EXIF orientation, pixel limit, alpha), or raw 8-bit BGR
 * pixels, row-major, 3 channels (a captured video frame).
 */
export type ImageInput =
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'bgr';
      readonly width: number;
      readonly height: number;
      readonly data: Uint8Array;
      /** Shown in errors, e.g. "frame 12". */
      readonly name: string;
    };

/**
 * 'configured': the detector the config names; 'haar': OpenCV's cascade; 'low-score': the configured
 * DNN detector accepting detections down to LOW_SCORE (the LFW protocol's last resort).
 */
export type DetectorChoice = 'configured' | 'haar' | 'low-score';

export interface AnalyseOptions {
  /** Analyse these boxes instead of detecting. */
  readonly faces?: readonly DetectedFace[];
  /** Compute descriptors (default true); the live loop skips them on frames it only tracks. */
  readonly describe?: boolean;
  /**
   * When detection finds nothing, try the Haar cascade, then both detectors on the image framed in
   * a grey border (default true: photos are often tight crops; live frames pass false).
   */
  readonly fallbacks?: boolean;
}

export interface ImageAnalysis {
  readonly width: number;
  readonly height: number;
  /** Largest first: a photo's subject is normally its biggest face. */
  readonly faces: AnalysedFace[];
  /** Milliseconds per stage for this image. */
  readonly timings: StageTimings;
}

export interface ImageDetections {
  readonly width: number;
  readonly height: number;
  /** One list per requested detector, in the order asked. */
  readonly faces: DetectedFace[][];
}

/** The lowest detector score the 'low-score' detector accepts. */
const LOW_SCORE = 0.05;

/**
 * A tight crop (ORL, bbt, an ID-photo cut-out) shows the face edge to edge, and the detectors,
 * trained on faces with some surroundings, often miss it there: as a last try the photo is framed
 * in a grey border of this fraction of its longer side (it finds 38 of the 40 bbt crops, against 23
 * without).
 */
const TIGHT_CROP_BORDER = 0.25;
/** The framed copy is searched at most this large: SSD sees 512 px anyway, and memory stays bounded. */
const TIGHT_CROP_MAX_SIDE = 640;
/** Mid grey: a moderate, colourless edge, neither a dark frame nor a glare. */
const TIGHT_CROP_BORDER_GREY = 128;

const bySizeDescending = (a: { box: Box }, b: { box: Box }): number =>
  b.box.width * b.box.height - a.box.width * a.box.height;

/** Decodes a file, or wraps raw BGR pixels without copying them again. */
async function imageFromInput(input: ImageInput, config: EngineConfig): Promise<Frame | DecodedImage> {
  if (input.kind === 'file') return decodeImageFile(input.path, { maxPixels: config.maxImagePixels });
  if (input.data.length !== input.width * input.height * 3) {
    throw new RangeError(
      `${input.name}: ${input.data.length} bytes do not make a ${input.width}x${input.height} BGR image`,
    );
  }
  return frameFromBgr(
    new cv.Mat(
      Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength),
      input.height,
      input.width,
      cv.CV_8UC3,
    ),
  );
}

/**
 * Finds, aligns, checks and describes the faces of photos and frames. OpenCV's work runs on libuv's
 * pool through its async calls, ONNX Runtime's on the ModelSet's inference workers, so the calling
 * thread's event loop only does the light bookkeeping in between.
 */
export class FaceAnalyser {
  private readonly detectors = new Map<DetectorChoice, Promise<FaceDetector>>();

  private constructor(
    private readonly config: EngineConfig,
    private readonly models: ModelSet,
    private readonly pipeline: FacePipeline,
  ) {
    this.detectors.set('configured', Promise.resolve(pipeline.detector));
  }

  static async load(models: ModelSet, config: EngineConfig): Promise<FaceAnalyser> {
    return new FaceAnalyser(config, models, await FacePipeline.load(models, config));
  }

  private detector(choice: DetectorChoice): Promise<FaceDetector> {
    let loading = this.detectors.get(choice);
    if (!loading) {
      loading =
        choice === 'haar'
          ? loadDetector(this.models, this.config, 'haar')
          : loadDetector(this.models, { ...this.config, minDetectionScore: LOW_SCORE });
      this.detectors.set(choice, loading);
    }
    return loading;
  }

  async analyse(input: ImageInput, options: AnalyseOptions = {}): Promise<ImageAnalysis> {
    const timings: StageTimings = {};
    const decodeStarted = performance.now();
    const image = await imageFromInput(input, this.config);
    addTiming(timings, 'decode', performance.now() - decodeStarted);
    const describe = options.describe ?? true;
    const run = async (faces?: readonly DetectedFace[]): Promise<AnalysedFace[]> => {
      const [analysis] = await this.pipeline.analyse([image], { describe, ...(faces ? { faces: [faces] } : {}) });
      for (const [stage, ms] of Object.entries(analysis?.timings ?? {})) addTiming(timings, stage as StageName, ms);
      return analysis?.faces ?? [];
    };
    let faces = await run(options.faces);
    if (faces.length === 0 && !options.faces && (options.fallbacks ?? true)) {
      const detectStarted = performance.now();
      const haar = (await (await this.detector('haar')).run([image])).outputs[0] ?? [];
      const boxes = haar.length > 0 ? haar : await this.detectInBorder(image);
      addTiming(timings, 'detect', performance.now() - detectStarted);
      if (boxes.length > 0) faces = await run(boxes);
    }
    return { width: image.width, height: image.height, faces: faces.sort(bySizeDescending), timings };
  }

  async detect(input: ImageInput, choices: readonly DetectorChoice[]): Promise<ImageDetections> {
    const image = await imageFromInput(input, this.config);
    const faces = await Promise.all(
      choices.map(
        async (choice) => ((await (await this.detector(choice)).run([image])).outputs[0] ?? []) as DetectedFace[],
      ),
    );
    return { width: image.width, height: image.height, faces };
  }

  /** Faces found in a bordered copy of the photo, as boxes on the photo itself. */
  private async detectInBorder(image: Frame): Promise<DetectedFace[]> {
    const scale = Math.min(1, TIGHT_CROP_MAX_SIDE / Math.max(image.width, image.height));
    const scaled =
      scale < 1
        ? await image.bgr.resizeAsync(
            Math.round(image.height * scale),
            Math.round(image.width * scale),
            0,
            0,
            cv.INTER_AREA,
          )
        : image.bgr;
    const border = Math.round(Math.max(scaled.cols, scaled.rows) * TIGHT_CROP_BORDER);
    const grey = new cv.Vec3(TIGHT_CROP_BORDER_GREY, TIGHT_CROP_BORDER_GREY, TIGHT_CROP_BORDER_GREY);
    const framed = await frameFromBgr(
      await scaled.copyMakeBorderAsync(border, border, border, border, cv.BORDER_CONSTANT, grey),
    );
    for (const choice of ['configured', 'haar'] as const) {
      const found = (await (await this.detector(choice)).run([framed])).outputs[0] ?? [];
      if (found.length === 0) continue;
      return found.map(({ box, score }) => ({
        score,
        box: {
          x: (box.x - border) / scale,
          y: (box.y - border) / scale,
          width: box.width / scale,
          height: box.height / scale,
        },
      }));
    }
    return [];
  }

  /** Releases the models' sessions and inference workers. */
  async close(): Promise<void> {
    await this.models.release();
  }
}
