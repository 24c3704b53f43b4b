import { z } from 'zod';

/**
 * `resources/models/manifest.json`: what the model forge wrote and what the engine may load.
 * Every model states how its input must be prepared, so the engine never guesses.
 */

export const ONNX_MODEL_IDS = ['ssdMobilenetv1', 'tinyFaceDetector', 'faceLandmark68', 'faceRecognition'] as const;
export type OnnxModelId = (typeof ONNX_MODEL_IDS)[number];

export const CASCADE_IDS = ['haarFrontalFaceDefault', 'haarFrontalFaceAlt2'] as const;
export type CascadeId = (typeof CASCADE_IDS)[number];

const dimSchema = z.union([z.number().int().positive(), z.string().min(1)]);

const sourceSchema = z.object({
  package: z.string().min(1),
  version: z.string().min(1),
  files: z.array(z.string().min(1)).min(1),
  license: z.string().min(1),
});

const fileSchema = z.object({
  file: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a plain file name inside resources/models'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  source: sourceSchema,
});

export const onnxModelEntrySchema = fileSchema.extend({
  format: z.literal('onnx'),
  task: z.enum(['face-detection', 'face-landmarks', 'face-embedding']),
  input: z.object({
    name: z.string().min(1),
    dtype: z.literal('float32'),
    shape: z.array(dimSchema),
    layout: z.literal('NHWC'),
    colorOrder: z.literal('RGB'),
    valueRange: z.literal('0..255'),
    /** What the graph itself does to the pixels before the first layer. */
    normalization: z.string().min(1),
    /** What the caller must do before feeding the graph (face-api does this outside its nets). */
    preprocessing: z.string().min(1),
  }),
  outputs: z
    .array(z.object({ name: z.string().min(1), shape: z.array(dimSchema), description: z.string().min(1) }))
    .min(1),
});

export const cascadeEntrySchema = fileSchema.extend({ format: z.literal('opencv-haar-cascade') });

export const OPERATOR_IDS = ['squareResize'] as const;
export type OperatorId = (typeof OPERATOR_IDS)[number];

const tensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'uint8', 'int64']),
  shape: z.array(dimSchema),
});

/** A weightless ONNX graph the forge writes for image preparation (no face-api weights involved). */
export const operatorEntrySchema = fileSchema.extend({
  format: z.literal('onnx'),
  description: z.string().min(1),
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
});

export const modelManifestSchema = z.object({
  formatVersion: z.literal(1),
  models: z.object(
    Object.fromEntries(ONNX_MODEL_IDS.map((id) => [id, onnxModelEntrySchema])) as Record<
      OnnxModelId,
      typeof onnxModelEntrySchema
    >,
  ),
  cascades: z.object(
    Object.fromEntries(CASCADE_IDS.map((id) => [id, cascadeEntrySchema])) as Record<
      CascadeId,
      typeof cascadeEntrySchema
    >,
  ),
  operators: z.object(
    Object.fromEntries(OPERATOR_IDS.map((id) => [id, operatorEntrySchema])) as Record<
      OperatorId,
      typeof operatorEntrySchema
    >,
  ),
});

export type OnnxModelEntry = z.infer<typeof onnxModelEntrySchema>;
export type CascadeEntry = z.infer<typeof cascadeEntrySchema>;
export type OperatorEntry = z.infer<typeof operatorEntrySchema>;
export type ModelManifest = z.infer<typeof modelManifestSchema>;

export const MANIFEST_FILE = 'manifest.json';
/** The command that rebuilds `resources/models`, quoted in every "model is missing/altered" error. */
export const REBUILD_COMMAND = 'npm run models';
