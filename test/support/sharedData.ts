import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real faces live beside the repository in `../shared/data` (never copied into it).
 * CLOCKFACE_DATA_DIR overrides the location.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const sharedDataDir = resolve(process.env.CLOCKFACE_DATA_DIR ?? join(repoRoot, '..', 'shared', 'data'));
export const hasSharedData = existsSync(join(sharedDataDir, 'lfw-dev'));
export const sharedDataSkipReason = `real face data not found at ${sharedDataDir} (set CLOCKFACE_DATA_DIR to the shared data folder)`;

export function sharedPath(...parts: string[]): string {
  return join(sharedDataDir, ...parts);
}
