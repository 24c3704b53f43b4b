import type { LocalDate } from '../../../shared/ipc';
import { FitWidth } from '../common/FitWidth';

const INITIAL_WIDTH = 640;
const HEIGHT = 180;
const MARGIN = { top: 16, right: 8, bottom: 24, left: 28 };
/** A week on a wide screen would otherwise draw bars a hand wide. */
const MAX_BAR_WIDTH = 48;
/** Day labels ("03-14") at least this far apart, so they never overlap. */
const MIN_LABEL_SPACING = 48;

type Days = readonly { readonly date: LocalDate; readonly count: number }[];

/** Check-ins per day as bars across the panel; every bar names its day and count in its tooltip. */
export function CheckInsChart({ days }: { readonly days: Days }) {
  if (days.length === 0) return null;
  return <FitWidth initialWidth={INITIAL_WIDTH}>{(width) => <Bars days={days} width={width} />}</FitWidth>;
}

function Bars({ days, width }: { readonly days: Days; readonly width: number }) {
  const max = Math.max(1, ...days.map((day) => day.count));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / days.length;
  const barWidth = Math.min(MAX_BAR_WIDTH, Math.max(1, slot * 0.7));
  const labelEvery = Math.ceil(MIN_LABEL_SPACING / slot);
  const total = days.reduce((sum, day) => sum + day.count, 0);

  return (
    <svg
      className="chart"
      width={width}
      height={HEIGHT}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      role="img"
      aria-label={`Check-ins per day: ${total} over ${days.length} days, at most ${max} a day`}
      data-testid="checkins-chart"
    >
      <line
        x1={MARGIN.left}
        x2={width - MARGIN.right}
        y1={HEIGHT - MARGIN.bottom}
        y2={HEIGHT - MARGIN.bottom}
        className="chart-axis"
      />
      <text x={MARGIN.left - 6} y={MARGIN.top + 4} textAnchor="end">
        {max}
      </text>
      <text x={MARGIN.left - 6} y={HEIGHT - MARGIN.bottom} textAnchor="end">
        0
      </text>
      {days.map((day, index) => {
        const height = (day.count / max) * plotHeight;
        const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
        const y = HEIGHT - MARGIN.bottom - height;
        return (
          <g key={day.date}>
            <rect
              className="chart-bar"
              x={x}
              y={y}
              width={barWidth}
              height={height}
              data-testid="chart-bar"
              data-date={day.date}
              data-count={day.count}
            >
              <title>{`${day.date}: ${day.count} check-in${day.count === 1 ? '' : 's'}`}</title>
            </rect>
            {index % labelEvery === 0 && (
              <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle">
                {day.date.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
