/** Summaries of timing samples, for the benchmark's table. */

export interface Summary {
  readonly median: number;
  readonly p90: number;
  readonly count: number;
}

/** Linearly interpolated quantile of ascending samples; NaN when there are none. */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  const position = fraction * (sorted.length - 1);
  const below = sorted[Math.floor(position)] as number;
  const above = sorted[Math.ceil(position)] as number;
  return below + (above - below) * (position - Math.floor(position));
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), count: sorted.length };
}

export interface Timed<R> {
  /** Wall time of each call, in milliseconds. */
  readonly ms: number[];
  readonly results: R[];
}

/**
 * Runs `work` on each item, `inFlight` at a time (default 1: in turn, so the timings do not
 * overlap); results and timings keep the items' order.
 */
export async function timeEach<T, R>(
  items: readonly T[],
  work: (item: T) => Promise<R>,
  inFlight = 1,
): Promise<Timed<R>> {
  const ms: number[] = new Array<number>(items.length);
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const started = performance.now();
      results[index] = await work(items[index] as T);
      ms[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
  return { ms, results };
}

/** A few untimed calls first: ONNX Runtime and tfjs allocate and plan on their first runs. */
export async function warmUp<T>(items: readonly T[], work: (item: T) => Promise<unknown>, count = 3): Promise<void> {
  for (const item of items.slice(0, count)) await work(item);
}
