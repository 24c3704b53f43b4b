import { UMAP } from 'umap-js';
import type { EmbeddingMapPoint, EmbeddingMapResponse } from '../../shared/ipc.js';
import { euclideanDistance } from '../engine/match/match.js';
import { seededRandom } from '../engine/match/seededRandom.js';

/**
 * A 2-D map of every template (UMAP, seeded, so the same gallery and seed give the same map),
 * with outliers flagged: a template nearer to another person's template than to its own
 * person's nearest one is likely a bad enrolment photo (or two people mixed up). A person with a
 * single template has no own template to compare with: theirs is an outlier when another person's
 * template is within the match threshold, i.e. when the two would be confused.
 */

export interface MapTemplate {
  readonly templateId: number;
  readonly personId: number;
  readonly personName: string;
  readonly embedding: ArrayLike<number>;
}

/** UMAP needs more points than neighbours; with fewer than 3 there is no neighbourhood to keep. */
export const MIN_MAP_TEMPLATES = 3;
/** UMAP's usual default: local structure (each person's cluster) over global. */
export const MAX_NEIGHBOURS = 15;
/** The distance matrix is n² floats (36 MB at 3000) and the neighbour search O(n²): enough for a site's gallery. */
export const MAX_MAP_TEMPLATES = 3000;
export const DEFAULT_MAP_SEED = 42;

export class EmbeddingMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingMapError';
  }
}

export async function computeEmbeddingMap(
  templates: readonly MapTemplate[],
  options: { readonly seed?: number; readonly threshold: number },
): Promise<EmbeddingMapResponse> {
  const n = templates.length;
  if (n < MIN_MAP_TEMPLATES) {
    throw new EmbeddingMapError(
      `the embedding map needs at least ${MIN_MAP_TEMPLATES} templates, the gallery has ${n}: enrol more photos`,
    );
  }
  if (n > MAX_MAP_TEMPLATES) {
    throw new EmbeddingMapError(`the embedding map shows at most ${MAX_MAP_TEMPLATES} templates, the gallery has ${n}`);
  }
  const distances = pairwiseDistances(templates);
  const neighbours = Math.min(MAX_NEIGHBOURS, n - 1);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: neighbours,
    minDist: 0.1,
    random: seededRandom(options.seed ?? DEFAULT_MAP_SEED),
  });
  // Exact neighbours from the distances we have anyway: no approximate search, no extra randomness.
  const knn = nearestNeighbours(distances, n, neighbours);
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  const layout = await umap.fitAsync(templates.map((template) => Array.from(template.embedding)));
  const points = templates.map((template, i): EmbeddingMapPoint => {
    const [x, y] = layout[i] as [number, number];
    const nearestOther = nearestOfOtherPerson(templates, distances, i);
    const ownNearest = nearestOwn(templates, distances, i);
    const outlier =
      nearestOther !== null &&
      (ownNearest === null ? nearestOther.distance <= options.threshold : nearestOther.distance < ownNearest);
    return {
      templateId: template.templateId,
      personId: template.personId,
      personName: template.personName,
      x,
      y,
      outlier,
      nearestOther: outlier ? nearestOther : null,
    };
  });
  return { method: 'umap', neighbours, points };
}

function pairwiseDistances(templates: readonly MapTemplate[]): Float32Array {
  const n = templates.length;
  const distances = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = euclideanDistance((templates[i] as MapTemplate).embedding, (templates[j] as MapTemplate).embedding);
      distances[i * n + j] = d;
      distances[j * n + i] = d;
    }
  }
  return distances;
}

/** Each point's `k` nearest neighbours, itself first at distance 0 (UMAP's convention); ties by index. */
function nearestNeighbours(
  distances: Float32Array,
  n: number,
  k: number,
): { indices: number[][]; distances: number[][] } {
  const indices: number[][] = [];
  const nearest: number[][] = [];
  for (let i = 0; i < n; i++) {
    // The k - 1 closest others, kept sorted by insertion: O(n·k) per point instead of a full sort.
    const closest: { j: number; d: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = distances[i * n + j] as number;
      if (closest.length === k - 1 && d >= (closest.at(-1) as { d: number }).d) continue;
      let at = closest.length;
      while (at > 0 && (closest[at - 1] as { d: number }).d > d) at--;
      closest.splice(at, 0, { j, d });
      if (closest.length > k - 1) closest.pop();
    }
    indices.push([i, ...closest.map((c) => c.j)]);
    nearest.push([0, ...closest.map((c) => c.d)]);
  }
  return { indices, distances: nearest };
}

function nearestOwn(templates: readonly MapTemplate[], distances: Float32Array, i: number): number | null {
  const n = templates.length;
  let best: number | null = null;
  for (let j = 0; j < n; j++) {
    if (j === i || templates[j]?.personId !== templates[i]?.personId) continue;
    const d = distances[i * n + j] as number;
    if (best === null || d < best) best = d;
  }
  return best;
}

function nearestOfOtherPerson(
  templates: readonly MapTemplate[],
  distances: Float32Array,
  i: number,
): EmbeddingMapPoint['nearestOther'] {
  const n = templates.length;
  let best: { index: number; distance: number } | null = null;
  for (let j = 0; j < n; j++) {
    if (templates[j]?.personId === templates[i]?.personId) continue;
    const d = distances[i * n + j] as number;
    if (best === null || d < best.distance) best = { index: j, distance: d };
  }
  if (best === null) return null;
  const other = templates[best.index] as MapTemplate;
  return { personId: other.personId, personName: other.personName, distance: best.distance };
}
