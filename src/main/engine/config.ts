import { z } from 'zod';

/**
 * The engine's settings, each with its default and why. Parse user input with
 * `engineConfigSchema.parse(partial)`: missing keys get their defaults, bad values a clear error.
 */
export const engineConfigSchema = z.object({
  /**
   * Which detector finds faces: 'ssd' (SSD-MobileNetV1: the most accurate, the default), 'tiny'
   * (the tiny face detector: several times faster, misses small faces), 'haar' (OpenCV's cascade:
   * fastest, frontal faces only, no real confidence).
   */
  detector: z.enum(['ssd', 'tiny', 'haar']).default('ssd'),
  /** Detections below this confidence are dropped (face-api's default for both DNN detectors). */
  minDetectionScore: z.number().min(0).max(1).default(0.5),
  /** Faces narrower than this many pixels are ignored: too small to recognise reliably. */
  minFaceSize: z.number().int().min(8).default(32),
  /** The tiny detector's input side, a multiple of 32: larger finds smaller faces, slower. */
  tinyInputSize: z
    .number()
    .int()
    .min(128)
    .max(1024)
    .refine((size) => size % 32 === 0, 'must be a multiple of 32')
    .default(416),
  /** OpenCV cascade: image pyramid step and how many overlapping hits make a face. */
  haarScaleFactor: z.number().min(1.01).max(2).default(1.1),
  haarMinNeighbors: z.number().int().min(1).default(5),
  /**
   * Euclidean distance between 128-d descriptors under which two faces are the same person.
   * 0.6 is dlib's calibrated value for this network; `clockface eval-pairs` recalibrates it.
   */
  matchThreshold: z.number().positive().max(2).default(0.6),
  /**
   * Landmark passes on boxes predicted from the previous landmarks, averaged (0 = the detector's
   * box only). Each pass costs one landmark-net run per face; 3 gave the best LFW accuracy.
   */
  landmarkRefinements: z.number().int().min(0).max(5).default(3),
  /** Average each descriptor with its mirror image's (test-time augmentation: +0.3 % on LFW, 2x embed time). */
  mirrorEmbedding: z.boolean().default(true),
  /** ONNX Runtime threads inside one operator; 0 = one per core. */
  intraOpThreads: z.number().int().min(0).default(0),
  /**
   * Worker threads that run the networks (onnxruntime-node's run() computes on the calling thread,
   * so a worker is the only way to keep the event loop responsive); 0 runs them on the calling
   * thread. OpenCV stays on the main thread: its addon's state is per process.
   */
  workers: z.number().int().min(0).max(16).default(1),
  /** Images above this many pixels are refused before decoding (decompression bombs). */
  maxImagePixels: z.number().int().positive().default(40_000_000),
});

export type EngineConfig = z.infer<typeof engineConfigSchema>;
export type DetectorKind = EngineConfig['detector'];

export const DEFAULT_ENGINE_CONFIG: EngineConfig = engineConfigSchema.parse({});
