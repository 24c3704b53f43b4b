import type { CapturedFrame, SourceStats } from './videoSource.js';

/**
 * Hands captured frames to a consumer that may be slower than the camera, without ever queueing.
 *
 * Capture runs on its own loop and drops each frame into a one-frame mailbox. In 'latest' mode a
 * newer frame replaces one the consumer has not taken yet (the replaced frame is counted as
 * dropped and its pixels freed at once), so the consumer always starts on the freshest frame and
 * latency cannot build up. In 'every' mode capture waits for the consumer instead: every frame is
 * processed, for evaluating a recorded clip frame by frame.
 */

/** What the scheduler needs from a source; VideoSource provides it. */
export interface FrameSource {
  /** The next frame, or null once the source has ended or was closed. */
  read(): Promise<CapturedFrame | null>;
  /** Interrupts waits, lets a read in progress finish, releases the capture. Idempotent. */
  close(): Promise<void>;
  readonly stats: SourceStats;
}

export type DeliveryMode = 'latest' | 'every';

export interface SchedulerStats {
  /** Good frames read from the source. */
  readonly captured: number;
  /** Frames handed to the consumer. */
  readonly processed: number;
  /** Frames replaced in the mailbox before the consumer took them, or left in it at stop. */
  readonly dropped: number;
  /** Reads the source skipped because they gave no usable image. */
  readonly corrupt: number;
  /** Times a lost camera or stream was reopened. */
  readonly reconnects: number;
}

/** Works on one frame; the frame's Mats belong to it from then on. */
export type FrameConsumer = (frame: CapturedFrame) => Promise<void> | void;

export class FrameScheduler {
  private pending: CapturedFrame | null = null;
  private captured = 0;
  private processed = 0;
  private dropped = 0;
  private captureEnded = false;
  private stopping = false;
  private wakeConsumer: (() => void) | null = null;
  private wakeCapture: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly source: FrameSource,
    private readonly mode: DeliveryMode = 'latest',
  ) {}

  get stats(): SchedulerStats {
    const { corruptFrames, reconnects } = this.source.stats;
    return {
      captured: this.captured,
      processed: this.processed,
      dropped: this.dropped,
      corrupt: corruptFrames,
      reconnects,
    };
  }

  /** Frames waiting for the consumer: 0 or 1, never more. */
  get pendingFrames(): number {
    return this.pending === null ? 0 : 1;
  }

  /**
   * Feeds frames to `consume`, one at a time, until the source ends or `stop()` is called. Resolves
   * once the last consumer call has finished and the capture is released; rejects with the
   * consumer's error (after releasing the capture) if it throws. Call once.
   */
  run(consume: FrameConsumer): Promise<void> {
    if (this.running !== null) throw new Error('FrameScheduler.run() may be called only once');
    this.running = this.feed(consume);
    return this.running;
  }

  /**
   * Stops cleanly: no new frame is started, the frame being consumed finishes, the capture is
   * released. Resolves when all of that is done; safe to call more than once (e.g. on each Ctrl-C).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.source.close();
    await this.running?.catch(() => undefined);
    this.discardPending();
  }

  private async feed(consume: FrameConsumer): Promise<void> {
    // Held, not left rejected: the consumer may be busy for a while before we get to look at it.
    const captureFailures: unknown[] = [];
    const capturing = this.captureLoop().catch((error: unknown) => {
      captureFailures.push(error);
    });
    try {
      for (let frame = await this.take(); frame !== null; frame = await this.take()) {
        this.processed++;
        await consume(frame);
      }
    } finally {
      this.stopping = true;
      this.wake();
      await this.source.close();
      await capturing;
      this.discardPending();
    }
    if (captureFailures.length > 0) throw captureFailures[0];
  }

  private async captureLoop(): Promise<void> {
    try {
      while (!this.stopping) {
        if (this.mode === 'every' && this.pending !== null) {
          await new Promise<void>((resume) => (this.wakeCapture = resume));
          continue;
        }
        const frame = await this.source.read();
        if (frame === null) break;
        this.captured++;
        if (this.pending !== null) this.drop(this.pending);
        this.pending = frame;
        this.wakeConsumer?.();
      }
    } finally {
      this.captureEnded = true;
      this.wakeConsumer?.();
    }
  }

  /** The pending frame, waiting for one if needed; null once stopping or capture has ended. */
  private async take(): Promise<CapturedFrame | null> {
    for (;;) {
      if (this.stopping) return null;
      const frame = this.pending;
      if (frame !== null) {
        this.pending = null;
        this.wakeCapture?.();
        return frame;
      }
      if (this.captureEnded) return null;
      await new Promise<void>((resume) => (this.wakeConsumer = resume));
    }
  }

  private wake(): void {
    this.wakeConsumer?.();
    this.wakeCapture?.();
  }

  private discardPending(): void {
    if (this.pending !== null) this.drop(this.pending);
    this.pending = null;
  }

  /** Frees a frame nobody will see now rather than leaving ~1 MB per frame to the garbage collector. */
  private drop(frame: CapturedFrame): void {
    frame.bgr.release();
    this.dropped++;
  }
}
