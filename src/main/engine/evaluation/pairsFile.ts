import { join } from 'node:path';

/** One line of an LFW pairs file, resolved to image paths. */
export interface LfwPair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
  /** Set when the file declares folds (LFW View 2: "10 300"). */
  readonly fold?: number;
}

export interface PairsFile {
  readonly pairs: LfwPair[];
  /** 10 for View 2 files, 1 for a single set such as View 1's pairsDevTest.txt. */
  readonly folds: number;
}

export class PairsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairsFileError';
  }
}

/**
 * The standard LFW pairs format: a header `N` (N matched then N mismatched pairs) or `folds N`
 * (that, `folds` times); then `name i j` for the same person and `name1 i name2 j` for two people.
 * Images live at `<root>/<name>/<name>_<i:04d>.jpg`.
 */
export function parsePairsFile(text: string, imagesRoot: string): PairsFile {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const header = (lines.shift() ?? '').split(/\s+/).map(Number);
  if (header.length < 1 || header.length > 2 || !header.every((n) => Number.isInteger(n) && n > 0)) {
    throw new PairsFileError('pairs file must start with "N" or "folds N"');
  }
  const [folds, perClass] = header.length === 2 ? (header as [number, number]) : [1, header[0] as number];
  const image = (name: string, index: string, lineNumber: number): string => {
    if (!/^\d+$/.test(index)) throw new PairsFileError(`line ${lineNumber}: "${index}" is not an image number`);
    return join(imagesRoot, name, `${name}_${index.padStart(4, '0')}.jpg`);
  };
  const pairs = lines.map((line, index): LfwPair => {
    const lineNumber = index + 2;
    const fields = line.split(/\s+/);
    const fold = folds > 1 ? Math.floor(index / (2 * perClass)) : undefined;
    const withFold = <T extends object>(pair: T) => (fold === undefined ? pair : { ...pair, fold });
    if (fields.length === 3) {
      const [name, i, j] = fields as [string, string, string];
      return withFold({ a: image(name, i, lineNumber), b: image(name, j, lineNumber), same: true });
    }
    if (fields.length === 4) {
      const [name1, i, name2, j] = fields as [string, string, string, string];
      return withFold({ a: image(name1, i, lineNumber), b: image(name2, j, lineNumber), same: false });
    }
    throw new PairsFileError(`line ${lineNumber}: expected "name i j" or "name1 i name2 j", got "${line}"`);
  });
  if (pairs.length !== folds * perClass * 2) {
    throw new PairsFileError(`header promises ${folds * perClass * 2} pairs but the file lists ${pairs.length}`);
  }
  return { pairs, folds };
}
