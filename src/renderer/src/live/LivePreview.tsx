import { useEffect, useRef } from 'react';
import { acknowledgeFrame, useLiveStore } from './liveStore';
import { clearFrame, drawFrame } from './drawFrame';
import { decodeJpeg, LatestFrameDrawer } from './latestFrameDrawer';

/**
 * The camera picture with face boxes and names, drawn on a canvas outside React's render cycle:
 * frames arrive up to 30 times a second and only the newest is drawn.
 */
export function LivePreview({ label }: { readonly label: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const drawer = new LatestFrameDrawer(
      decodeJpeg,
      (frame, image) => drawFrame(canvas, frame, image),
      acknowledgeFrame,
    );
    const initial = useLiveStore.getState().frame;
    if (initial) drawer.offer(initial);
    const unsubscribe = useLiveStore.subscribe((state, previous) => {
      if (state.frame === previous.frame) return;
      if (state.frame) {
        drawer.offer(state.frame);
      } else {
        drawer.discard();
        clearFrame(canvas);
      }
    });
    return () => {
      unsubscribe();
      drawer.stop();
    };
  }, []);

  return <canvas ref={canvasRef} className="live-preview" role="img" aria-label={label} data-testid="live-preview" />;
}
