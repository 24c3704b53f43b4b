import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** How late the event loop ran its timers while some work was in flight, in milliseconds. */
export interface EventLoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface EventLoopMonitor {
  stop(): Promise<EventLoopDelay>;
}

/** Node samples the loop with a timer at this interval; each sample is the time between two ticks. */
const RESOLUTION_MS = 1;
/** Long enough for a few ticks: the first only sets a baseline, and a block's sample lands on the tick after it. */
const SETTLE_MS = 5 * RESOLUTION_MS;

/**
 * Starts sampling the event loop; `stop()` ends it. Node records the whole interval between two
 * timer ticks, so the sampling interval itself is subtracted: what is left is the time the loop
 * was blocked beyond it.
 */
export async function startEventLoopMonitor(): Promise<EventLoopMonitor> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  await sleep(SETTLE_MS);
  const beyondInterval = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);
  return {
    async stop() {
      await sleep(SETTLE_MS);
      histogram.disable();
      return {
        p50: beyondInterval(histogram.percentile(50)),
        p99: beyondInterval(histogram.percentile(99)),
        max: beyondInterval(histogram.max),
      };
    },
  };
}
