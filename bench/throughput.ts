import { startEventLoopMonitor, type EventLoopDelay } from './eventLoopDelay.js';
import { summarise, timeEach, warmUp, type Summary } from './stats.js';

export interface Throughput {
  readonly images: number;
  readonly faces: number;
  readonly seconds: number;
  readonly facesPerSecond: number;
  /** Wall time per image, decode included. */
  readonly perImage: Summary;
  readonly eventLoop: EventLoopDelay;
}

/**
 * Runs `processImage` (file → number of faces described) over every path after a short warm-up,
 * one image at a time as a kiosk would, or `inFlight` at a time as an import would; the same loop
 * times our engine and face-api.
 */
export async function measureThroughput(
  paths: readonly string[],
  processImage: (path: string) => Promise<number>,
  inFlight = 1,
): Promise<Throughput> {
  await warmUp(paths, processImage);
  const monitor = await startEventLoopMonitor();
  const started = performance.now();
  const { ms, results } = await timeEach(paths, processImage, inFlight);
  const seconds = (performance.now() - started) / 1000;
  const eventLoop = await monitor.stop();
  const faces = results.reduce((sum, count) => sum + count, 0);
  return { images: paths.length, faces, seconds, facesPerSecond: faces / seconds, perImage: summarise(ms), eventLoop };
}
