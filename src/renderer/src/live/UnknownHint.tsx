import { useLiveStore } from './liveStore';

/** Over the picture (so nothing moves): shown while a face stays unrecognised. */
export function UnknownHint() {
  const trackId = useLiveStore((state) => state.unknownTrackId);
  if (trackId === null) return null;
  return (
    <p className="unknown-hint" role="status" data-testid="unknown-hint" data-track-id={trackId}>
      Face not recognised — please see the administrator
    </p>
  );
}
