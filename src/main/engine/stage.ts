/**
 * Every pipeline stage has the same shape: loaded once, run on a batch, reporting how long the
 * batch took. The pipeline adds the timings up per frame or per image.
 */
export type StageName = 'decode' | 'detect' | 'landmarks' | 'align' | 'quality' | 'embed' | 'match';

export interface StageRun<Out> {
  readonly outputs: Out[];
  readonly ms: number;
}

export interface Stage<In, Out> {
  readonly name: StageName;
  run(batch: readonly In[]): Promise<StageRun<Out>>;
}

export type StageTimings = Partial<Record<StageName, number>>;

/** Runs `work` and reports its wall time with the outputs. */
export async function timed<Out>(work: () => Promise<Out[]>): Promise<StageRun<Out>> {
  const started = performance.now();
  const outputs = await work();
  return { outputs, ms: performance.now() - started };
}

/** Adds a stage's time to a per-frame tally. */
export function addTiming(timings: StageTimings, name: StageName, ms: number): void {
  timings[name] = (timings[name] ?? 0) + ms;
}
