import type { LiveFrame } from '../../../shared/ipc';

export type DecodeJpeg = (dataUrl: string) => Promise<CanvasImageSource>;

/**
 * Draws preview frames one at a time and only the newest: a frame that arrives while another is
 * being decoded replaces any frame already waiting, so a slow screen drops frames instead of
 * queueing them. Every frame handled (drawn, or skipped because its JPEG was broken) is reported
 * through `onHandled`, which tells main to send the next one.
 */
export class LatestFrameDrawer {
  private busy = false;
  private waiting: LiveFrame | null = null;
  private stopped = false;
  /** Moves on at each discard(): a frame decoded for an earlier one is not drawn. */
  private generation = 0;

  constructor(
    private readonly decode: DecodeJpeg,
    private readonly draw: (frame: LiveFrame, image: CanvasImageSource) => void,
    private readonly onHandled: (sequence: number) => void,
  ) {}

  offer(frame: LiveFrame): void {
    if (this.stopped) return;
    if (this.busy) {
      this.waiting = frame;
      return;
    }
    void this.drawFrom(frame);
  }

  /**
   * Forgets the frame waiting and the one being decoded (they are still acknowledged): the
   * picture was taken down, and a decode finishing later must not draw it again.
   */
  discard(): void {
    this.generation++;
    this.waiting = null;
  }

  stop(): void {
    this.stopped = true;
    this.waiting = null;
  }

  private async drawFrom(first: LiveFrame): Promise<void> {
    this.busy = true;
    let frame: LiveFrame | null = first;
    while (frame && !this.stopped) {
      this.waiting = null;
      const generation = this.generation;
      try {
        const image = await this.decode(frame.jpeg);
        if (!this.stopped && generation === this.generation) this.draw(frame, image);
      } catch {
        // A JPEG that does not decode is skipped; the next frame replaces it.
      }
      if (!this.stopped) this.onHandled(frame.sequence);
      frame = this.waiting;
    }
    this.busy = false;
  }
}

/** Decodes with an <img> (the CSP allows data: images, not fetching data: URLs). */
export async function decodeJpeg(dataUrl: string): Promise<CanvasImageSource> {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  return image;
}
