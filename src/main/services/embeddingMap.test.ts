import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason } from '../../../test/support/sharedData.js';
import { DESCRIPTOR_LENGTH } from '../engine/embed/embedStage.js';
import { euclideanDistance } from '../engine/match/match.js';
import { testEmbedding } from '../engine/store/testStore.js';
import { computeEmbeddingMap, EmbeddingMapError } from './embeddingMap.js';
import { bbtPhoto, useEnrolledBbt } from './serviceTestSupport.js';

const template = (templateId: number, personId: number) => ({
  templateId,
  personId,
  personName: `person ${personId}`,
  embedding: testEmbedding(templateId),
});

describe('embedding map', () => {
  it('refuses fewer than 3 templates: UMAP needs neighbours', async () => {
    await expect(computeEmbeddingMap([], { threshold: 0.6 })).rejects.toThrow(EmbeddingMapError);
    await expect(computeEmbeddingMap([template(1, 1), template(2, 2)], { threshold: 0.6 })).rejects.toThrow(
      'the embedding map needs at least 3 templates, the gallery has 2: enrol more photos',
    );
  });

  it('maps 3 templates with 2 neighbours', async () => {
    const map = await computeEmbeddingMap([template(1, 1), template(2, 1), template(3, 2)], { threshold: 0.6 });
    expect(map.method).toBe('umap');
    expect(map.neighbours).toBe(2);
    expect(map.points.map((p) => [p.templateId, Number.isFinite(p.x), Number.isFinite(p.y)])).toEqual([
      [1, true, true],
      [2, true, true],
      [3, true, true],
    ]);
  });

  describe.skipIf(!hasSharedData)(
    `on the enrolled bbt people (${hasSharedData ? 'real faces' : sharedDataSkipReason})`,
    () => {
      const bbt = useEnrolledBbt();
      const entries = async (enrolMistake: boolean) => {
        const engine = await bbt().openCopy();
        // A bad enrolment: one of sheldon's photos filed under amy.
        if (enrolMistake) await engine.enrol('amy', [bbtPhoto('sheldon', 2)], { force: true });
        return engine.store.templates.loadGallery({ modelId: engine.modelId, dimension: DESCRIPTOR_LENGTH }).entries;
      };

      it('lays each person out as their own cluster, the same map for the same seed', async () => {
        const gallery = await entries(false);
        const map = await computeEmbeddingMap(gallery, { threshold: 0.6 });
        expect(map.neighbours).toBe(15);
        expect(map.points).toHaveLength(37);
        expect(map.points.filter((p) => p.outlier)).toEqual([]);
        // Every template's nearest point on the map is one of its own person's.
        const nearestIsOwn = map.points.filter((p) => {
          const others = map.points.filter((q) => q !== p);
          const nearest = others.reduce((a, b) =>
            Math.hypot(a.x - p.x, a.y - p.y) <= Math.hypot(b.x - p.x, b.y - p.y) ? a : b,
          );
          return nearest.personId === p.personId;
        });
        expect(nearestIsOwn).toHaveLength(37);
        expect(await computeEmbeddingMap(gallery, { threshold: 0.6 })).toEqual(map);
        const reseeded = await computeEmbeddingMap(gallery, { threshold: 0.6, seed: 7 });
        expect(reseeded.points.map((p) => p.x)).not.toEqual(map.points.map((p) => p.x));
      });

      it('flags a photo enrolled under the wrong person as an outlier, naming who it is nearer to', async () => {
        const gallery = await entries(true);
        const map = await computeEmbeddingMap(gallery, { threshold: 0.6 });
        const outliers = map.points.filter((p) => p.outlier);
        // Both sides of the mix-up: the photo filed under amy, and sheldon's own photo of that face.
        expect(outliers.map((p) => [p.personName, p.templateId, p.nearestOther?.personName])).toEqual([
          ['amy', 38, 'sheldon'],
          ['sheldon', 31, 'amy'],
        ]);
        expect(outliers[1]?.nearestOther?.distance).toBeLessThan(0.1);
        // The flag means what it says: nearer to sheldon's nearest template than to any of amy's.
        const mistake = gallery.find((entry) => entry.templateId === 38);
        const nearestOf = (personName: string) =>
          Math.min(
            ...gallery
              .filter((entry) => entry.personName === personName && entry.templateId !== 38)
              .map((entry) => euclideanDistance(entry.embedding, mistake?.embedding ?? [])),
          );
        expect(outliers[0]?.nearestOther?.distance).toBeCloseTo(nearestOf('sheldon'), 5);
        expect(nearestOf('sheldon')).toBeLessThan(nearestOf('amy'));
      });
    },
  );
});
