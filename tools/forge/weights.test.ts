import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faceApiWeightsDir } from './forge.js';
import { loadTfjsWeights, WeightsError } from './weights.js';

const MODEL = 'tiny_face_detector_model';
const manifestName = `${MODEL}-weights_manifest.json`;
const binName = `${MODEL}.bin`;

describe('loadTfjsWeights', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clockface-weights-'));
    for (const file of [manifestName, binName]) copyFileSync(join(faceApiWeightsDir(), file), join(dir, file));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (): WeightsError => {
    try {
      loadTfjsWeights(dir, MODEL);
    } catch (error) {
      if (error instanceof WeightsError) return error;
      throw error;
    }
    throw new Error('expected loadTfjsWeights to fail');
  };

  it('decodes every weight of the pinned release, uint8 codes dequantised as tfjs does', () => {
    const weights = loadTfjsWeights(dir, MODEL);
    expect(weights.size).toBe(19);
    const conv0 = weights.get('conv0/filters');
    expect(conv0?.shape).toEqual([3, 3, 3, 16]);
    if (!conv0?.quantized) throw new Error('conv0/filters should be uint8-quantised');
    const { codes, quantization } = conv0.quantized;
    // float64 arithmetic, then rounded to float32 — the exact tfjs rule.
    expect(conv0.values[5]).toBe(Math.fround((codes[5] as number) * quantization.scale + quantization.min));
  });

  it('names the weights file when it is missing', () => {
    rmSync(join(dir, binName));
    expect(failure().message).toBe(
      `${join(dir, binName)}: weights file named in ${join(dir, manifestName)} is missing`,
    );
  });

  it('names the manifest when it is missing', () => {
    rmSync(join(dir, manifestName));
    expect(failure().message).toBe(`${join(dir, manifestName)}: weights manifest is missing`);
  });

  it('reports a truncated weights file with the weight that runs past its end', () => {
    truncateSync(join(dir, binName), 1000);
    const error = failure();
    expect(error.file).toBe(join(dir, binName));
    expect(error.message).toMatch(/truncated: weight "[^"]+" needs bytes \d+\.\.\d+ but the file has 1000/);
  });

  it('reports a weights file longer than the manifest describes', () => {
    writeFileSync(join(dir, binName), Buffer.concat([readFileSync(join(dir, binName)), Buffer.alloc(16)]));
    expect(failure().message).toMatch(/size mismatch: the manifest describes 193321 bytes but the file has 193337/);
  });

  it('reports a manifest that is not JSON or not in the tfjs format', () => {
    writeFileSync(join(dir, manifestName), '{ not json');
    expect(failure().message).toContain('weights manifest is not valid JSON');
    writeFileSync(
      join(dir, manifestName),
      JSON.stringify([{ paths: [binName], weights: [{ name: 'x', shape: [2] }] }]),
    );
    expect(failure().message).toMatch(/does not match the tfjs format at 0\.weights\.0\.dtype/);
  });
});
