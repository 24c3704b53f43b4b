import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CASCADE_IDS,
  MANIFEST_FILE,
  modelManifestSchema,
  type CascadeEntry,
  type CascadeId,
  type ModelManifest,
  type OnnxModelEntry,
  type OnnxModelId,
  type OperatorEntry,
  type OperatorId,
} from '../../src/main/engine/models/manifest.js';
import {
  CASCADE_LICENSE,
  FACE_API_LICENSE,
  FACE_API_PACKAGE,
  FACE_API_VERSION,
  faceApiWeightsDir,
  forgeModel,
  locatePackage,
  OPENCV_PACKAGE,
  sha256,
} from './forge.js';
import { buildSquareResize, SQUARE_RESIZE_INPUTS, SQUARE_RESIZE_OUTPUT } from './operators/squareResize.js';
import type { ModelRecipe } from './recipe.js';

const SQUARE_RESIZE_FILE = 'square-resize.onnx';

const CASCADE_FILES: Record<CascadeId, string> = {
  haarFrontalFaceDefault: 'haarcascade_frontalface_default.xml',
  haarFrontalFaceAlt2: 'haarcascade_frontalface_alt2.xml',
};

const ONNX_FILES: Record<OnnxModelId, string> = {
  ssdMobilenetv1: 'ssd-mobilenet-v1.onnx',
  tinyFaceDetector: 'tiny-face-detector.onnx',
  faceLandmark68: 'face-landmark-68.onnx',
  faceRecognition: 'face-recognition.onnx',
};

export function onnxFileName(id: OnnxModelId): string {
  return ONNX_FILES[id];
}

interface StagedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ForgeOptions {
  readonly outDir: string;
  readonly recipes: readonly ModelRecipe[];
  /** Defaults to the pinned @vladmandic/face-api's model folder. */
  readonly weightsDir?: string;
  readonly log?: (line: string) => void;
}

/**
 * Forges every model and writes them with the manifest. Everything is built in memory and staged
 * in a temporary folder first, so a failure leaves `outDir` exactly as it was.
 */
export function writeModels(options: ForgeOptions): ModelManifest {
  const log = options.log ?? (() => undefined);
  const weightsDir = options.weightsDir ?? faceApiWeightsDir();
  const staged: StagedFile[] = [];

  const models = {} as Record<OnnxModelId, OnnxModelEntry>;
  for (const recipe of options.recipes) {
    const forged = forgeModel(recipe, weightsDir);
    const file = onnxFileName(recipe.id);
    staged.push({ name: file, bytes: forged.bytes });
    models[recipe.id] = {
      format: 'onnx',
      file,
      sha256: sha256(forged.bytes),
      bytes: forged.bytes.length,
      task: recipe.task,
      input: forged.input,
      outputs: forged.outputs,
      source: {
        package: FACE_API_PACKAGE,
        version: FACE_API_VERSION,
        files: [`model/${recipe.faceApiModel}-weights_manifest.json`, `model/${recipe.faceApiModel}.bin`],
        license: FACE_API_LICENSE,
      },
    };
    log(`${file}  ${(forged.bytes.length / 1e6).toFixed(2)} MB  from ${recipe.faceApiModel}`);
  }

  const opencv = locatePackage(OPENCV_PACKAGE);
  const cascades = {} as Record<CascadeId, CascadeEntry>;
  for (const id of CASCADE_IDS) {
    const relative = `src/lib/haarcascades/${CASCADE_FILES[id]}`;
    const path = join(opencv.dir, relative);
    if (!existsSync(path)) throw new Error(`${path}: Haar cascade missing from ${OPENCV_PACKAGE}; run "npm ci"`);
    const bytes = readFileSync(path);
    staged.push({ name: CASCADE_FILES[id], bytes });
    cascades[id] = {
      format: 'opencv-haar-cascade',
      file: CASCADE_FILES[id],
      sha256: sha256(bytes),
      bytes: bytes.length,
      source: { package: OPENCV_PACKAGE, version: opencv.version, files: [relative], license: CASCADE_LICENSE },
    };
    log(`${CASCADE_FILES[id]}  from ${OPENCV_PACKAGE}@${opencv.version}`);
  }

  const squareResize = buildSquareResize();
  staged.push({ name: SQUARE_RESIZE_FILE, bytes: squareResize });
  const operators: Record<OperatorId, OperatorEntry> = {
    squareResize: {
      format: 'onnx',
      file: SQUARE_RESIZE_FILE,
      sha256: sha256(squareResize),
      bytes: squareResize.length,
      description: 'pad-to-square companion: uint8 NHWC RGB square → float32 NHWC at `sizes`, TF legacy bilinear',
      inputs: SQUARE_RESIZE_INPUTS.map((input) => ({ ...input, shape: [...input.shape] })),
      outputs: [{ ...SQUARE_RESIZE_OUTPUT, shape: [...SQUARE_RESIZE_OUTPUT.shape] }],
      source: { package: 'clockface', version: '1', files: ['tools/forge/operators/squareResize.ts'], license: 'MIT' },
    },
  };
  log(`${SQUARE_RESIZE_FILE}  (weightless resize operator)`);

  const manifest = modelManifestSchema.parse({ formatVersion: 1, models, cascades, operators });
  staged.push({ name: MANIFEST_FILE, bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });

  mkdirSync(options.outDir, { recursive: true });
  const stagingDir = join(options.outDir, `.forge-staging-${process.pid}`);
  rmSync(stagingDir, { recursive: true, force: true });
  mkdirSync(stagingDir);
  try {
    for (const file of staged) writeFileSync(join(stagingDir, file.name), file.bytes);
    // The manifest goes last: until it is replaced, the old manifest still describes old files.
    for (const file of staged) renameSync(join(stagingDir, file.name), join(options.outDir, file.name));
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
  return manifest;
}
