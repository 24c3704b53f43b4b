// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../../shared/ipc';
import { useSettings } from '../settings/settingsStore';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { settingsResponse } from '../testing/fixtures';
import { CalibrationPanel } from './CalibrationPanel';
import { axisTicks } from './DistanceHistogram';
import { useCalibration } from './calibrationStore';

const REPORT: CalibrationReport = {
  people: 3,
  templates: 12,
  genuinePairs: 18,
  impostorPairs: 48,
  histogram: {
    edges: [0, 0.3, 0.6, 0.9, 1.2, 1.5],
    genuine: [2, 14, 2, 0, 0],
    impostor: [0, 0, 8, 32, 8],
    outOfRange: 0,
  },
  bestF1: { threshold: 0.58, f1: 0.95, precision: 1, recall: 0.9 },
  atTargetFar: { targetFar: 0.001, threshold: 0.52, tar: 0.83, far: 0 },
  currentThreshold: 0.6,
  sampled: false,
};

let fake: FakeClockface;

beforeEach(() => {
  useCalibration.setState(useCalibration.getInitialState(), true);
  useSettings.setState(useSettings.getInitialState(), true);
  fake = installFakeClockface()
    .handle('calibration:compute', () => REPORT)
    .handle('calibration:apply', ({ threshold }) => settingsResponse({ matchThreshold: threshold }));
});

afterEach(cleanup);

describe('calibration panel', () => {
  it('draws both histograms with the thresholds, and applies the one chosen', async () => {
    const user = userEvent.setup();
    render(<CalibrationPanel />);
    const far = screen.getByLabelText('Target false-accept rate');
    await user.clear(far);
    await user.type(far, '0.01');
    await user.click(screen.getByRole('button', { name: 'Compute' }));

    const histogram = await screen.findByTestId('calibration-histogram');
    expect(fake.requests('calibration:compute')).toEqual([{ targetFar: 0.01 }]);
    // Each series as its share of its own pairs (14 of 18 genuine, 32 of 48 impostor), the largest share full height.
    const heights = (name: string) =>
      within(histogram)
        .getAllByTestId(`histogram-${name}`)
        .map((bar) => Number(bar.getAttribute('height')));
    const genuine = heights('genuine');
    const impostor = heights('impostor');
    expect(genuine).toHaveLength(5);
    const full = genuine[1] ?? 0;
    expect(impostor[3]).toBeCloseTo((full * (32 / 48)) / (14 / 18), 6);
    expect(genuine[0]).toBeCloseTo(full / 7, 6);
    expect(impostor[0]).toBe(0);
    expect(
      within(histogram)
        .getAllByTestId('threshold-mark')
        .map((mark) => mark.dataset.value),
    ).toEqual(['0.6', '0.58', '0.52']);
    // Each label in a row of its own above the bars: none on another, none crossed by a line.
    const labels = within(histogram)
      .getAllByTestId('threshold-mark')
      .map((mark) => Number(mark.querySelector('text')?.getAttribute('y')));
    const lineTops = within(histogram)
      .getAllByTestId('threshold-mark')
      .map((mark) => Number(mark.querySelector('line')?.getAttribute('y1')));
    expect(new Set(labels).size).toBe(3);
    expect(Math.max(...labels)).toBeLessThan(Math.min(...lineTops));
    expect(
      within(histogram)
        .getAllByTestId('histogram-tick')
        .map((tick) => tick.textContent),
    ).toEqual(['0', '0.25', '0.5', '0.75', '1', '1.25', '1.5']);

    await user.click(within(screen.getByTestId('calibration-far')).getByRole('button', { name: 'Use 0.520' }));
    expect(fake.requests('calibration:apply')).toEqual([{ threshold: 0.52 }]);
    expect((await screen.findByTestId('calibration-applied')).textContent).toContain('0.520');
    expect(useSettings.getState().settings?.values.matchThreshold).toBe(0.52);
    expect(screen.getByText('In use: 0.520')).toBeTruthy();
  });

  it('puts the axis ticks at round distances, as many as the width has room for', () => {
    expect(axisTicks(0, 1.5, 1200)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(axisTicks(0, 1.5, 2000)).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5,
    ]);
    expect(axisTicks(0.2, 1.1, 600)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(axisTicks(0, 1.5, 200)).toEqual([0, 1]);
  });

  it('says when no threshold meets the target and offers nothing to apply for it', async () => {
    fake.handle('calibration:compute', () => ({
      ...REPORT,
      atTargetFar: { targetFar: 0.001, threshold: null, tar: 0, far: 0 },
    }));
    const user = userEvent.setup();
    render(<CalibrationPanel />);
    await user.click(screen.getByRole('button', { name: 'Compute' }));
    const card = await screen.findByTestId('calibration-far');
    expect(card.textContent).toContain('No threshold keeps false accepts this low');
    expect(within(card).queryByRole('button')).toBeNull();
  });

  it('shows why the gallery cannot be calibrated', async () => {
    fake.handle('calibration:compute', () => {
      throw new Error('calibration needs at least 2 people with 2 templates each');
    });
    const user = userEvent.setup();
    render(<CalibrationPanel />);
    await user.click(screen.getByRole('button', { name: 'Compute' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Calibration needs at least 2 people with 2 templates each',
    );
  });
});
