import { clockTime } from '../common/format';
import { useNow } from '../common/useNow';

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });

export function BigClock() {
  const now = useNow(1000);
  return (
    <div className="big-clock" data-testid="kiosk-clock">
      <time className="big-clock-time" dateTime={new Date(now).toISOString()}>
        {clockTime(now)}
      </time>
      <span className="big-clock-date">{DATE_FORMAT.format(now)}</span>
    </div>
  );
}
