import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ForgedModel, ModelRecipe } from './recipe.js';
import { loadTfjsWeights, WeightsError } from './weights.js';

const require = createRequire(import.meta.url);

export const FACE_API_PACKAGE = '@vladmandic/face-api';
/** The weights are only known to convert correctly for this exact release. */
export const FACE_API_VERSION = '1.7.15';
export const FACE_API_LICENSE = 'MIT';

export const OPENCV_PACKAGE = '@u4/opencv4nodejs';
export const CASCADE_LICENSE = 'Intel License Agreement for Open Source Computer Vision Library (BSD-3-Clause style)';

export interface PackageLocation {
  readonly dir: string;
  readonly version: string;
}

/** Finds an installed package's folder and version, even when its "exports" hide package.json. */
export function locatePackage(name: string): PackageLocation {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(`${name} is not installed: run "npm ci" (or scripts/setup.sh) first`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; version: string };
    if (manifest.name === name) return { dir, version: manifest.version };
  }
  throw new Error(`${name} is installed without a package.json: run "npm ci"`);
}

/** The face-api weights folder, refusing any release other than the pinned one. */
export function faceApiWeightsDir(): string {
  const { dir, version } = locatePackage(FACE_API_PACKAGE);
  if (version !== FACE_API_VERSION) {
    throw new Error(
      `${FACE_API_PACKAGE} ${version} is installed but the forge is verified against ${FACE_API_VERSION}: run "npm ci"`,
    );
  }
  return join(dir, 'model');
}

/** Converts one recipe's weights to ONNX in memory. */
export function forgeModel(recipe: ModelRecipe, weightsDir = faceApiWeightsDir()): ForgedModel {
  const weights = loadTfjsWeights(weightsDir, recipe.faceApiModel);
  return recipe.build(weights, join(weightsDir, `${recipe.faceApiModel}-weights_manifest.json`));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export { WeightsError };
