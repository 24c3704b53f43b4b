import { describe, expect, it } from 'vitest';
import type { EmbeddingMapPoint } from '../../../shared/ipc';
import { PALETTE, personColours } from './personColours';

const hue = (colour: string) => Number(/^hsl\((\d+)/.exec(colour)?.[1]);
/** The distance between two hues around the wheel. */
const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

function points(people: number): EmbeddingMapPoint[] {
  return Array.from({ length: people }, (_, index) => ({
    templateId: index + 1,
    personId: people - index,
    personName: `person ${people - index}`,
    x: 0,
    y: 0,
    outlier: false,
    nearestOther: null,
  }));
}

describe('person colours', () => {
  it('gives the first ten people hues at least 25° apart from each other', () => {
    const hues = PALETTE.map(hue);
    const closest = Math.min(...hues.flatMap((a, i) => hues.slice(i + 1).map((b) => hueDistance(a, b))));
    expect(closest).toBeGreaterThanOrEqual(25);
    // bbt's bernadette and sheldon (2nd and 7th by id), once two greens 32° apart.
    expect(hueDistance(hue(PALETTE[1]), hue(PALETTE[6]))).toBeGreaterThanOrEqual(90);
  });

  it('colours people in id order, and still gives everyone a colour of their own past the palette', () => {
    const colours = personColours(points(14));
    expect(colours.map((person) => person.personId)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(colours.slice(0, 10).map((person) => person.colour)).toEqual([...PALETTE]);
    expect(new Set(colours.map((person) => person.colour)).size).toBe(14);
  });
});
