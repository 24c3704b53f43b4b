import { describe, expect, it } from 'vitest';
import type { LiveFrame } from '../../../shared/ipc';
import { LatestFrameDrawer } from './latestFrameDrawer';

function frame(sequence: number, jpeg = `data:image/jpeg;base64,frame${sequence}`): LiveFrame {
  return { sequence, capturedAt: sequence, jpeg, width: 640, height: 480, faces: [], timingsMs: {} };
}

/** A decoder the test finishes by hand, so it decides which frames arrive while one is decoding. */
function manualDecoder() {
  const pending: { jpeg: string; finish: () => void; fail: () => void }[] = [];
  const decode = (jpeg: string) =>
    new Promise<CanvasImageSource>((resolve, reject) => {
      pending.push({ jpeg, finish: () => resolve({} as CanvasImageSource), fail: () => reject(new Error('broken')) });
    });
  return { decode, pending };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A drawer on a manual decoder, recording what it drew and what it acknowledged. */
function setup() {
  const { decode, pending } = manualDecoder();
  const drawn: number[] = [];
  const handled: number[] = [];
  const drawer = new LatestFrameDrawer(
    decode,
    (f) => drawn.push(f.sequence),
    (s) => handled.push(s),
  );
  return { drawer, pending, drawn, handled };
}

describe('LatestFrameDrawer', () => {
  it('draws only the newest of the frames that came while it was busy, and acknowledges what it drew', async () => {
    const { drawer, pending, drawn, handled } = setup();

    drawer.offer(frame(1));
    drawer.offer(frame(2));
    drawer.offer(frame(3));
    drawer.offer(frame(4));
    expect(pending.map((p) => p.jpeg)).toEqual(['data:image/jpeg;base64,frame1']);

    pending[0]?.finish();
    await settle();
    // Frames 2 and 3 were replaced while frame 1 decoded: never decoded, never queued.
    expect(pending.map((p) => p.jpeg)).toEqual(['data:image/jpeg;base64,frame1', 'data:image/jpeg;base64,frame4']);
    pending[1]?.finish();
    await settle();

    expect(drawn).toEqual([1, 4]);
    expect(handled).toEqual([1, 4]);
  });

  it('skips a frame whose JPEG does not decode but still acknowledges it, so main keeps sending', async () => {
    const { drawer, pending, drawn, handled } = setup();

    drawer.offer(frame(7, 'data:image/jpeg;base64,broken'));
    pending[0]?.fail();
    await settle();
    drawer.offer(frame(8));
    pending[1]?.finish();
    await settle();

    expect(drawn).toEqual([8]);
    expect(handled).toEqual([7, 8]);
  });

  it('draws neither the frame being decoded nor the one waiting once discarded, and goes on with the next', async () => {
    const { drawer, pending, drawn, handled } = setup();

    drawer.offer(frame(1));
    drawer.offer(frame(2));
    // The picture is taken down (the video ended) while frame 1 decodes.
    drawer.discard();
    pending[0]?.finish();
    await settle();
    drawer.offer(frame(3));
    pending[1]?.finish();
    await settle();

    expect(drawn).toEqual([3]);
    // Frame 1 was handled, so main sends again; frame 2 was never decoded.
    expect(handled).toEqual([1, 3]);
    expect(pending.map((p) => p.jpeg)).toEqual(['data:image/jpeg;base64,frame1', 'data:image/jpeg;base64,frame3']);
  });

  it('draws and acknowledges nothing once stopped', async () => {
    const { drawer, pending, drawn, handled } = setup();

    drawer.offer(frame(1));
    drawer.offer(frame(2));
    drawer.stop();
    pending[0]?.finish();
    await settle();
    drawer.offer(frame(3));

    expect(drawn).toEqual([]);
    expect(handled).toEqual([]);
    expect(pending).toHaveLength(1);
  });
});
