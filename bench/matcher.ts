/**
 * Matcher benchmark: ms per query for 1:N search over synthetic galleries of 10k, 100k and 1M
 * random unit 128-d templates (5 per person, seeded), plus the process's peak RSS.
 *
 *   npx tsx bench/matcher.ts
 *
 * Each case runs 5 warm-up queries (so V8 has optimised the loops), then reports the median and
 * 90th percentile of 50 timed queries (10 for the exact scan of 1M, which takes ~0.2 s each).
 * Half the probes lie near an enrolled template, as real probes do; half are anywhere.
 */
import { pathToFileURL } from 'node:url';
import { Gallery } from '../src/main/engine/match/gallery.js';
import { knnVote, nearest, type SearchStrategy } from '../src/main/engine/match/match.js';
import { seededRandom, type Random } from '../src/main/engine/match/seededRandom.js';

export interface BenchRow {
  /** What was measured, e.g. "match: nearest (int8 pre-filter), 1M templates". */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Spread, sample size and memory, for the table's last column. */
  readonly detail: string;
}

const DIM = 128;
const TEMPLATES_PER_PERSON = 5;
const WARM_UP_QUERIES = 5;

interface Case {
  readonly label: string;
  readonly queries: number;
  readonly run: (gallery: Gallery, probe: Float32Array) => unknown;
}

const nearestWith =
  (strategy: SearchStrategy) =>
  (gallery: Gallery, probe: Float32Array): unknown =>
    nearest(gallery, probe, { topK: 5, strategy });

function casesFor(templates: number): Case[] {
  return [
    { label: 'nearest (int8 pre-filter + exact re-rank)', queries: 50, run: nearestWith('quantised') },
    { label: 'nearest (exact scan)', queries: templates >= 1_000_000 ? 10 : 50, run: nearestWith('exact') },
    {
      label: 'knnVote k=5 (int8 pre-filter)',
      queries: 50,
      run: (gallery, probe) => knnVote(gallery, probe, { k: 5, strategy: 'quantised' }),
    },
  ];
}

/** Uniform in the cube, then normalised: "unit-ish" and far cheaper to draw than Gaussians. */
function randomTemplate(random: Random): Float32Array {
  const vector = new Float32Array(DIM);
  let squared = 0;
  for (let j = 0; j < DIM; j++) {
    const value = random() * 2 - 1;
    vector[j] = value;
    squared += value * value;
  }
  const scale = 1 / Math.sqrt(squared);
  for (let j = 0; j < DIM; j++) vector[j] = (vector[j] as number) * scale;
  return vector;
}

function buildGallery(templates: number, random: Random): Gallery {
  const gallery = new Gallery({ dim: DIM, initialCapacity: templates });
  for (let i = 0; i < templates; i++) {
    gallery.add(`t${i}`, `p${Math.floor(i / TEMPLATES_PER_PERSON)}`, randomTemplate(random));
  }
  return gallery;
}

function probeFor(gallery: Gallery, index: number, random: Random): Float32Array {
  if (index % 2 === 1) return randomTemplate(random);
  const near = gallery.embeddingOf(`t${Math.floor(random() * gallery.size)}`) ?? randomTemplate(random);
  return near.map((value) => value + (random() - 0.5) * 0.05);
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function formatCount(templates: number): string {
  return templates >= 1_000_000 ? `${templates / 1_000_000}M` : `${templates / 1000}k`;
}

export async function runMatcherBench(sizes: readonly number[] = [10_000, 100_000, 1_000_000]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const templates of sizes) {
    const random = seededRandom(templates);
    const buildStarted = performance.now();
    const gallery = buildGallery(templates, random);
    const buildMs = performance.now() - buildStarted;
    rows.push({
      name: `match: build gallery, ${formatCount(templates)} templates`,
      value: Math.round(buildMs),
      unit: 'ms',
      detail: `${((buildMs * 1000) / templates).toFixed(2)} µs per add (incl. drawing the random template)`,
    });
    for (const { label, queries, run } of casesFor(templates)) {
      for (let q = 0; q < WARM_UP_QUERIES; q++) run(gallery, probeFor(gallery, q, random));
      const times: number[] = [];
      for (let q = 0; q < queries; q++) {
        const probe = probeFor(gallery, q, random);
        const started = performance.now();
        run(gallery, probe);
        times.push(performance.now() - started);
        // Let the event loop breathe between queries, as a kiosk would between frames.
        await new Promise((resolve) => setImmediate(resolve));
      }
      times.sort((a, b) => a - b);
      rows.push({
        name: `match: ${label}, ${formatCount(templates)} templates`,
        value: Number(percentile(times, 0.5).toFixed(2)),
        unit: 'ms/query (median)',
        detail: `p90 ${percentile(times, 0.9).toFixed(2)} ms over ${queries} queries; peak RSS ${peakRssMb().toFixed(0)} MB`,
      });
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runMatcherBench();
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    console.log(`${row.name.padEnd(width)}  ${String(row.value).padStart(8)} ${row.unit.padEnd(18)}  ${row.detail}`);
  }
}
