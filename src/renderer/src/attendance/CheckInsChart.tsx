import type { LocalDate } from '../../../shared/ipc';

const WIDTH = 640;
const HEIGHT = 180;
const MARGIN = { top: 16, right: 8, bottom: 24, left: 28 };
/** At most this many day labels under the bars, so they never overlap. */
const MAX_LABELS = 14;

interface CheckInsChartProps {
  readonly days: readonly { readonly date: LocalDate; readonly count: number }[];
}

/** Check-ins per day as bars; every bar names its day and count in its tooltip. */
export function CheckInsChart({ days }: CheckInsChartProps) {
  if (days.length === 0) return null;
  const max = Math.max(1, ...days.map((day) => day.count));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / days.length;
  const barWidth = Math.max(1, slot * 0.7);
  const labelEvery = Math.ceil(days.length / MAX_LABELS);
  const total = days.reduce((sum, day) => sum + day.count, 0);

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Check-ins per day: ${total} over ${days.length} days, at most ${max} a day`}
      data-testid="checkins-chart"
    >
      <line
        x1={MARGIN.left}
        x2={WIDTH - MARGIN.right}
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
