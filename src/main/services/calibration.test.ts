import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataSkipReason } from '../../../test/support/sharedData.js';
import { DESCRIPTOR_LENGTH } from '../engine/embed/embedStage.js';
import { testEmbedding } from '../engine/store/testStore.js';
import { calibrate, CalibrationError, HISTOGRAM_BINS, MAX_CALIBRATION_TEMPLATES } from './calibration.js';
import { useEnrolledBbt } from './serviceTestSupport.js';

const template = (templateId: number, personId: number, seed = templateId) => ({
  templateId,
  personId,
  embedding: testEmbedding(seed),
});

describe('calibration from the gallery', () => {
  it.each([
    [[], 'calibration needs at least 2 enrolled people (impostor pairs), the gallery has 0'],
    [
      [template(1, 1), template(2, 1)],
      'calibration needs at least 2 enrolled people (impostor pairs), the gallery has 1',
    ],
    [
      [template(1, 1), template(2, 2), template(3, 3)],
      'calibration needs at least one person with 2 or more templates (genuine pairs); every enrolled person has 1: enrol more photos',
    ],
  ])('refuses a gallery too small to calibrate (%#)', (gallery, message) => {
    expect(() => calibrate(gallery, { currentThreshold: 0.6 })).toThrow(CalibrationError);
    expect(() => calibrate(gallery, { currentThreshold: 0.6 })).toThrow(message);
  });

  it('refuses a target false-accept rate outside 0..1', () => {
    const gallery = [template(1, 1), template(2, 1), template(3, 2)];
    expect(() => calibrate(gallery, { currentThreshold: 0.6, targetFar: 1.5 })).toThrow(
      'the target false-accept rate must be 0..1, got 1.5',
    );
  });

  it('samples a large gallery down to a fixed, repeatable set of templates', () => {
    const gallery = Array.from({ length: MAX_CALIBRATION_TEMPLATES + 50 }, (_, i) => template(i + 1, (i % 40) + 1));
    const first = calibrate(gallery, { currentThreshold: 0.6 });
    expect(first.sampled).toBe(true);
    expect(first.templates).toBe(MAX_CALIBRATION_TEMPLATES);
    expect(first.genuinePairs + first.impostorPairs).toBe(
      (MAX_CALIBRATION_TEMPLATES * (MAX_CALIBRATION_TEMPLATES - 1)) / 2,
    );
    expect(calibrate([...gallery].reverse(), { currentThreshold: 0.6 })).toEqual(first);
  });

  describe.skipIf(!hasSharedData)(
    `on the enrolled bbt people (${hasSharedData ? 'real faces' : sharedDataSkipReason})`,
    () => {
      const bbt = useEnrolledBbt();

      it('separates genuine and impostor pairs and picks thresholds between them', async () => {
        const engine = await bbt().openCopy();
        const gallery = engine.store.templates.loadGallery({ modelId: engine.modelId, dimension: DESCRIPTOR_LENGTH });
        const report = calibrate(gallery.entries, { currentThreshold: 0.6 });
        // 8 people, 37 templates: 5+5+5+4+5+5+5+3, so 10·6 + 6 + 3 = 69 same-person pairs of the 666.
        expect(report).toMatchObject({
          people: 8,
          templates: 37,
          genuinePairs: 69,
          impostorPairs: 597,
          currentThreshold: 0.6,
          sampled: false,
        });
        const { histogram } = report;
        expect(histogram.edges).toHaveLength(HISTOGRAM_BINS + 1);
        expect(histogram.edges[0]).toBe(0);
        expect(histogram.edges[HISTOGRAM_BINS]).toBe(1.5);
        expect(histogram.genuine.reduce((a, b) => a + b, 0)).toBe(69);
        expect(histogram.impostor.reduce((a, b) => a + b, 0)).toBe(597);
        expect(histogram.outOfRange).toBe(0);
        // Same-person distances sit in 0.25..0.55, different people in 0.6..1.05 (bins of 0.05).
        const occupied = (counts: readonly number[]) => counts.flatMap((count, bin) => (count > 0 ? [bin] : []));
        expect(occupied(histogram.genuine)).toEqual([5, 6, 7, 8, 9, 10]);
        expect(occupied(histogram.impostor)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20]);
        // Perfectly separable: the best F1 is 1, at a threshold in the gap, below dlib's 0.6.
        expect(report.bestF1).toMatchObject({ f1: 1, precision: 1, recall: 1 });
        expect(report.bestF1.threshold).toBeGreaterThan(0.5);
        expect(report.bestF1.threshold).toBeLessThan(0.6);
        expect(report.atTargetFar).toMatchObject({ targetFar: 0.001, tar: 1, far: 0 });
        expect(report.atTargetFar.threshold).toBeCloseTo(0.501, 3);
      });
    },
  );
});
