import type { EmbeddingMapPoint } from '../../../shared/ipc';

/**
 * Ten hues at least 25° apart, bright enough on the dark theme, ordered so that people next to
 * each other in id order get far-apart hues. An evenly turned hue wheel (the golden angle) gives
 * two greens 30° apart already at 7 people, which read as one colour.
 */
export const PALETTE = [
  'hsl(210 90% 65%)', // blue
  'hsl(30 95% 58%)', // orange
  'hsl(140 65% 50%)', // green
  'hsl(0 85% 65%)', // red
  'hsl(275 75% 72%)', // violet
  'hsl(55 90% 60%)', // yellow
  'hsl(185 80% 50%)', // cyan
  'hsl(320 80% 70%)', // pink
  'hsl(95 70% 55%)', // lime
  'hsl(245 70% 75%)', // periwinkle
] as const;

/** Beyond the palette: the golden angle spreads further hues, darker than the palette's so none repeats it. */
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
      colour: PALETTE[index] ?? `hsl(${((index * GOLDEN_ANGLE) % 360).toFixed(1)} 60% 45%)`,
    }));
}
