import type { LiveStatus } from '../../../shared/ipc';
import { sentence } from '../common/format';
import { useLiveStore } from './liveStore';

const HEADLINES: Readonly<Record<Exclude<LiveStatus['state'], 'ok'>, string>> = {
  lost: 'Camera lost — trying to reconnect',
  reconnecting: 'Reconnecting to the camera…',
  ended: 'The video has ended',
  stopped: 'The camera is not running',
};

/** Says why there is no live picture; nothing while the camera delivers. */
export function StatusBanner() {
  const status = useLiveStore((state) => state.status);
  if (!status || status.state === 'ok') return null;
  return (
    <div className="status-banner" role="alert" data-testid="status-banner" data-state={status.state}>
      <strong>{HEADLINES[status.state]}</strong>
      {status.detail && <span className="status-detail">{sentence(status.detail)}</span>}
    </div>
  );
}
