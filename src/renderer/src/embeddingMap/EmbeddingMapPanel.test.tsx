// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddingMapPoint } from '../../../shared/ipc';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { EmbeddingMapPanel } from './EmbeddingMapPanel';
import { useEmbeddingMap } from './embeddingMapStore';

const point = (templateId: number, personId: number, personName: string, x: number, y: number): EmbeddingMapPoint => ({
  templateId,
  personId,
  personName,
  x,
  y,
  outlier: false,
  nearestOther: null,
});

const POINTS: EmbeddingMapPoint[] = [
  point(1, 1, 'Alice', 0, 0),
  point(2, 1, 'Alice', 0.5, 0.2),
  point(3, 2, 'Bob', 5, 5),
  {
    ...point(4, 2, 'Bob', 0.3, 0.1),
    outlier: true,
    nearestOther: { personId: 1, personName: 'Alice', distance: 0.412 },
  },
];

let fake: FakeClockface;

beforeEach(() => {
  useEmbeddingMap.setState(useEmbeddingMap.getInitialState(), true);
  fake = installFakeClockface().handle('embedding-map:compute', () => ({
    method: 'umap',
    neighbours: 3,
    points: POINTS,
  }));
});

afterEach(cleanup);

describe('embedding map panel', () => {
  it('plots every template in its person colour, rings and lists the outliers, with a legend', async () => {
    const user = userEvent.setup();
    render(<EmbeddingMapPanel />);
    await user.click(screen.getByRole('button', { name: 'Compute' }));

    const map = await screen.findByTestId('embedding-map');
    expect(fake.requests('embedding-map:compute')).toEqual([{ seed: 42 }]);
    const points = within(map).getAllByTestId('map-point');
    expect(points.map((element) => element.dataset.templateId).sort()).toEqual(['1', '2', '3', '4']);
    const fill = (templateId: string) =>
      points
        .find((element) => element.dataset.templateId === templateId)
        ?.querySelector('.map-dot')
        ?.getAttribute('fill');
    expect(fill('1')).toBe(fill('2'));
    expect(fill('3')).toBe(fill('4'));
    expect(fill('1')).not.toBe(fill('3'));
    expect(map.querySelectorAll('.map-outlier-ring')).toHaveLength(1);
    expect(points.find((element) => element.dataset.outlier === 'true')?.dataset.templateId).toBe('4');

    expect(screen.getByTestId('map-outlier').textContent).toBe("Bob's template 4 is nearer to Alice (distance 0.412)");
    expect(
      within(screen.getByTestId('map-legend'))
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Alice (2)', 'Bob (2)']);
  });

  it('says so when nobody is enrolled', async () => {
    fake.handle('embedding-map:compute', () => ({ method: 'umap', neighbours: 0, points: [] }));
    const user = userEvent.setup();
    render(<EmbeddingMapPanel />);
    await user.click(screen.getByRole('button', { name: 'Compute' }));
    expect(await screen.findByText('No templates are enrolled yet.')).toBeTruthy();
  });
});
