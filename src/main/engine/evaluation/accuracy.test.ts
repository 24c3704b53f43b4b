import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cv from '../cv.js';
import { FaceEngine } from '../faceEngine.js';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../../../../test/support/sharedData.js';
import {
  describeLargestFace,
  evaluateIdentification,
  evaluatePairs,
  listPeopleFolders,
  splitPeople,
  type IdentSplit,
  type LabelledDescriptor,
  type StrategyResult,
} from './evaluate.js';

/**
 * The accuracy the product promises, measured on real faces with the default engine: the LFW
 * View 1 test split, the bbt people (one photo enrolled per person) and ORL (five per person).
 */
const modelsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../resources/models');

async function describeSplit(engine: FaceEngine, dir: string, split: IdentSplit) {
  const { gallery, probes } = splitPeople(listPeopleFolders(dir), split);
  const describe = async (entries: { person: string; file: string }[]): Promise<LabelledDescriptor[]> => {
    const described: LabelledDescriptor[] = [];
    for (const { person, file } of entries)
      described.push({ person, descriptor: (await describeLargestFace(engine, file)).descriptor });
    return described;
  };
  return { gallery: await describe(gallery), probes: await describe(probes) };
}

const strategy = (results: StrategyResult[], name: StrategyResult['name']): StrategyResult => {
  const result = results.find((r) => r.name === name);
  if (!result) throw new Error(`no ${name} result`);
  return result;
};

describe.skipIf(!hasSharedData)(
  `recognition accuracy on real faces (${hasSharedData ? 'shared data' : sharedDataSkipReason})`,
  () => {
    let dir: string;
    let engine: FaceEngine;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'clockface-accuracy-'));
      engine = await FaceEngine.open({ modelsDir, dbPath: join(dir, 'scratch.db') });
    });
    afterAll(async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('verifies LFW View 1 test pairs with at least 99.0 % accuracy', async () => {
      const result = await evaluatePairs(
        engine,
        sharedPath('lfw-dev', 'pairsDevTest.txt'),
        sharedPath('lfw-dev', 'images'),
      );
      console.log('LFW lfw-dev', JSON.stringify(result));
      expect(result.pairs).toBe(1000);
      expect(result.accuracy).toBeGreaterThanOrEqual(0.99);
      expect(result.auc).toBeGreaterThan(0.99);
    });

    it('identifies bbt people from one enrolled photo each and rejects a left-out person', async () => {
      const { gallery, probes } = await describeSplit(engine, sharedPath('bbt', 'people'), { kind: 'first', count: 1 });
      const results = evaluateIdentification(gallery, probes, engine.config.matchThreshold);
      console.log('bbt first-1', JSON.stringify(results));
      expect(gallery).toHaveLength(8);
      expect(probes).toHaveLength(32);
      const nearest = strategy(results, 'nearest');
      expect(nearest.accuracy).toBeGreaterThanOrEqual(0.95);
      // Each person left out in turn: their four photos must come back unknown.
      expect(1 - nearest.openSetFalseAccept).toBeGreaterThanOrEqual(0.9);
    });

    it('identifies ORL faces from five enrolled photos each, far better than raw pixels', async () => {
      const dir = sharedPath('orl');
      const split: IdentSplit = { kind: 'odd-even' };
      const { gallery, probes } = await describeSplit(engine, dir, split);
      const results = evaluateIdentification(gallery, probes, engine.config.matchThreshold);

      // The baseline: nearest neighbour on the raw grey pixels of the same split.
      const pixels = (file: string) => Float32Array.from(cv.imread(file, cv.IMREAD_GRAYSCALE).getData());
      const raw = splitPeople(listPeopleFolders(dir), split);
      const rawGallery = raw.gallery.map(({ person, file }) => ({ person, vector: pixels(file) }));
      let rawCorrect = 0;
      for (const { person, file } of raw.probes) {
        const probe = pixels(file);
        let best = { person: '', distance: Infinity };
        for (const entry of rawGallery) {
          let distance = 0;
          for (let i = 0; i < probe.length; i++) distance += ((probe[i] as number) - (entry.vector[i] as number)) ** 2;
          if (distance < best.distance) best = { person: entry.person, distance };
        }
        if (best.person === person) rawCorrect++;
      }
      const rawAccuracy = rawCorrect / raw.probes.length;
      console.log('ORL odd-even', JSON.stringify(results), 'raw-pixel nearest neighbour', rawAccuracy);
      expect(probes).toHaveLength(200);
      for (const result of results) expect(result.accuracy).toBeGreaterThan(rawAccuracy + 0.02);
      expect(Math.max(...results.map((r) => r.accuracy))).toBeGreaterThanOrEqual(0.95);
    });
  },
);
