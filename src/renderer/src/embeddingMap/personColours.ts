import type { EmbeddingMapPoint } from '../../../shared/ipc';

/** The golden angle spreads any number of hues as far apart as they can be. */
const GOLDEN_ANGLE = 137.508;

export interface PersonColour {
  readonly personId: number;
  readonly name: string;
  readonly colour: string;
  readonly templates: number;
}

/** One colour per person, in order of person id, so the same gallery always gets the same colours. */
export function personColours(points: readonly EmbeddingMapPoint[]): PersonColour[] {
  const people = new Map<number, { name: string; templates: number }>();
  for (const point of points) {
    const entry = people.get(point.personId);
    people.set(point.personId, { name: point.personName, templates: (entry?.templates ?? 0) + 1 });
  }
  return [...people.entries()]
    .sort(([a], [b]) => a - b)
    .map(([personId, { name, templates }], index) => ({
      personId,
      name,
      templates,
      colour: `hsl(${((index * GOLDEN_ANGLE) % 360).toFixed(1)} 75% 62%)`,
    }));
}
