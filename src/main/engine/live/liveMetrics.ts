import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricsEvent } from './events.js';
import type { SchedulerStats } from './frameScheduler.js';

/** Node samples the event loop with a timer at this interval; a sample is the gap between two ticks. */
const EVENT_LOOP_RESOLUTION_MS = 10;
const BYTES_PER_MB = 1024 * 1024;

/** Linearly interpolated quantile of ascending values; NaN when there are none. */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = fraction * (sorted.length - 1);
  const below = sorted[Math.floor(position)] as number;
  const above = sorted[Math.ceil(position)] as number;
  return below + (above - below) * (position - Math.floor(position));
}

/**
 * The live loop's health, measured per metrics interval: frames and their capture-to-decision
 * latency as the loop reports them, event-loop delay from Node's own sampler, and RSS. Each
 * `take()` reports the interval since the previous one and starts the next.
 */
export class LiveMetrics {
  private readonly eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  private latencies: number[] = [];
  private intervalStart = performance.now();

  start(): void {
    this.eventLoop.enable();
    this.intervalStart = performance.now();
  }

  recordFrame(latencyMs: number): void {
    this.latencies.push(latencyMs);
  }

  take(totals: SchedulerStats): MetricsEvent {
    const now = performance.now();
    const intervalMs = now - this.intervalStart;
    const sorted = this.latencies.sort((a, b) => a - b);
    // The histogram holds whole gaps between ticks: what is beyond the interval is the delay.
    const p99 = this.eventLoop.count > 0 ? this.eventLoop.percentile(99) / 1e6 - EVENT_LOOP_RESOLUTION_MS : 0;
    const event: MetricsEvent = {
      type: 'metrics',
      intervalMs,
      fps: intervalMs > 0 ? (sorted.length * 1000) / intervalMs : 0,
      framesProcessed: totals.processed,
      framesDropped: totals.dropped,
      corruptFrames: totals.corrupt,
      latencyMs: sorted.length > 0 ? { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) } : null,
      eventLoopDelayP99Ms: Math.max(0, p99),
      rssMb: process.memoryUsage.rss() / BYTES_PER_MB,
      at: new Date(),
    };
    this.latencies = [];
    this.eventLoop.reset();
    this.intervalStart = now;
    return event;
  }

  stop(): void {
    this.eventLoop.disable();
  }
}
