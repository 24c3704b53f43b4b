import type { CalibrationReport } from '../../../shared/ipc';
import { FitWidth } from '../common/FitWidth';

const INITIAL_WIDTH = 640;
const PLOT_HEIGHT = 180;
const MARGIN = { right: 16, bottom: 28, left: 16 };
/** Each threshold's label has a row of its own above the bars, so no label covers another or a line. */
const LABEL_ROW = 16;
/** Axis labels at least this far apart. */
const MIN_TICK_SPACING = 100;
/** Tick steps in distance units, finest first: each tick is a round number. */
const TICK_STEPS = [0.05, 0.1, 0.25, 0.5, 1];

export interface ThresholdMark {
  readonly label: string;
  readonly value: number;
  readonly className: string;
}

interface DistanceHistogramProps {
  readonly histogram: CalibrationReport['histogram'];
  readonly marks: readonly ThresholdMark[];
}

/** Round values from `first` to `last`, as many as fit `width` pixels at MIN_TICK_SPACING. */
export function axisTicks(first: number, last: number, width: number): number[] {
  const fitting = Math.max(1, Math.floor(width / MIN_TICK_SPACING));
  const step = TICK_STEPS.find((candidate) => (last - first) / candidate <= fitting) ?? (last - first) / fitting;
  const ticks: number[] = [];
  // Counted in steps, not summed, so 0.1 + 0.2 never shows as 0.30000000000000004.
  for (let index = Math.ceil(first / step - 1e-9); index * step <= last + 1e-9; index++) {
    ticks.push(Number((index * step).toFixed(6)));
  }
  return ticks;
}

/**
 * Genuine and impostor distances over the same bins, as wide as the panel. Each is drawn as its
 * share of its own pairs: impostor pairs outnumber genuine ones many times, and raw counts would
 * flatten the genuine bars.
 */
export function DistanceHistogram(props: DistanceHistogramProps) {
  return <FitWidth initialWidth={INITIAL_WIDTH}>{(width) => <Histogram {...props} width={width} />}</FitWidth>;
}

function Histogram({ histogram, marks, width }: DistanceHistogramProps & { readonly width: number }) {
  const { edges, genuine, impostor } = histogram;
  const first = edges[0] ?? 0;
  const last = edges[edges.length - 1] ?? 1;
  const plotTop = marks.length * LABEL_ROW + 4;
  const plotBottom = plotTop + PLOT_HEIGHT;
  const height = plotBottom + MARGIN.bottom;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  /** Distances beyond the bins (a threshold can be up to 2) sit at the plot's edge. */
  const x = (distance: number) =>
    MARGIN.left + Math.min(1, Math.max(0, (distance - first) / (last - first))) * plotWidth;
  const shares = (counts: readonly number[]) => {
    const total = counts.reduce((sum, count) => sum + count, 0);
    return counts.map((count) => (total > 0 ? count / total : 0));
  };
  const series = [
    { name: 'genuine', shares: shares(genuine) },
    { name: 'impostor', shares: shares(impostor) },
  ] as const;
  const top = Math.max(0.01, ...series.flatMap((item) => item.shares));

  return (
    <svg
      className="chart histogram"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="Distances of same-person pairs (genuine) and different-person pairs (impostor)"
      data-testid="calibration-histogram"
    >
      {series.map((item) => (
        <g key={item.name} className={`histogram-${item.name}`}>
          {item.shares.map((share, bin) => {
            const left = x(edges[bin] ?? first);
            const right = x(edges[bin + 1] ?? last);
            const barHeight = (share / top) * PLOT_HEIGHT;
            return (
              <rect
                key={bin}
                x={left}
                y={plotBottom - barHeight}
                width={Math.max(0, right - left - 0.5)}
                height={barHeight}
                data-testid={`histogram-${item.name}`}
              >
                <title>{`${item.name} ${(edges[bin] ?? 0).toFixed(2)}–${(edges[bin + 1] ?? 0).toFixed(2)}: ${(share * 100).toFixed(1)}%`}</title>
              </rect>
            );
          })}
        </g>
      ))}
      <line className="chart-axis" x1={MARGIN.left} x2={width - MARGIN.right} y1={plotBottom} y2={plotBottom} />
      {axisTicks(first, last, plotWidth).map((tick) => (
        <text key={tick} x={x(tick)} y={height - 8} textAnchor="middle" data-testid="histogram-tick">
          {tick}
        </text>
      ))}
      {marks.map((mark, index) => {
        const at = x(mark.value);
        // Labels read away from the middle, so one near an edge stays inside the chart.
        const leftHalf = at < MARGIN.left + plotWidth / 2;
        return (
          <g
            key={mark.label}
            className={`threshold-mark ${mark.className}`}
            data-testid="threshold-mark"
            data-value={mark.value}
          >
            <line x1={at} x2={at} y1={plotTop} y2={plotBottom} />
            <text x={leftHalf ? at + 4 : at - 4} y={(index + 1) * LABEL_ROW} textAnchor={leftHalf ? 'start' : 'end'}>
              {mark.label} {mark.value.toFixed(3)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
