import type { CalibrationReport } from '../../../shared/ipc';

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 12 };

export interface ThresholdMark {
  readonly label: string;
  readonly value: number;
  readonly className: string;
}

interface DistanceHistogramProps {
  readonly histogram: CalibrationReport['histogram'];
  readonly marks: readonly ThresholdMark[];
}

/**
 * Genuine and impostor distances over the same bins. Each is drawn as its share of its own pairs:
 * impostor pairs outnumber genuine ones many times, and raw counts would flatten the genuine bars.
 */
export function DistanceHistogram({ histogram, marks }: DistanceHistogramProps) {
  const { edges, genuine, impostor } = histogram;
  const first = edges[0] ?? 0;
  const last = edges[edges.length - 1] ?? 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
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
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => first + fraction * (last - first));

  return (
    <svg
      className="chart histogram"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label="Distances of same-person pairs (genuine) and different-person pairs (impostor)"
      data-testid="calibration-histogram"
    >
      {series.map((item) => (
        <g key={item.name} className={`histogram-${item.name}`}>
          {item.shares.map((share, bin) => {
            const left = x(edges[bin] ?? first);
            const right = x(edges[bin + 1] ?? last);
            const height = (share / top) * plotHeight;
            return (
              <rect
                key={bin}
                x={left}
                y={HEIGHT - MARGIN.bottom - height}
                width={Math.max(0, right - left - 0.5)}
                height={height}
                data-testid={`histogram-${item.name}`}
              >
                <title>{`${item.name} ${(edges[bin] ?? 0).toFixed(2)}–${(edges[bin + 1] ?? 0).toFixed(2)}: ${(share * 100).toFixed(1)}%`}</title>
              </rect>
            );
          })}
        </g>
      ))}
      <line
        className="chart-axis"
        x1={MARGIN.left}
        x2={WIDTH - MARGIN.right}
        y1={HEIGHT - MARGIN.bottom}
        y2={HEIGHT - MARGIN.bottom}
      />
      {ticks.map((tick) => (
        <text key={tick} x={x(tick)} y={HEIGHT - 8} textAnchor="middle">
          {tick.toFixed(2)}
        </text>
      ))}
      {marks.map((mark, index) => (
        <g
          key={mark.label}
          className={`threshold-mark ${mark.className}`}
          data-testid="threshold-mark"
          data-value={mark.value}
        >
          <line x1={x(mark.value)} x2={x(mark.value)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
          <text x={x(mark.value) + 4} y={MARGIN.top + 12 + index * 14}>
            {mark.label} {mark.value.toFixed(3)}
          </text>
        </g>
      ))}
    </svg>
  );
}
