import type { EmbeddingMapPoint } from '../../../shared/ipc';

const SIZE = 520;
const PADDING = 20;

interface EmbeddingScatterProps {
  readonly points: readonly EmbeddingMapPoint[];
  readonly colourOf: ReadonlyMap<number, string>;
}

/** Each template as a dot in its person's colour; outliers get a ring. */
export function EmbeddingScatter({ points, colourOf }: EmbeddingScatterProps) {
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // One scale for both axes: UMAP's distances mean the same in every direction.
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const scale = (SIZE - 2 * PADDING) / span;
  const project = (point: EmbeddingMapPoint) => ({
    cx: PADDING + (point.x - minX) * scale + ((span - (maxX - minX)) * scale) / 2,
    cy: PADDING + (point.y - minY) * scale + ((span - (maxY - minY)) * scale) / 2,
  });
  // Outliers last, so their rings are drawn on top.
  const ordered = [...points].sort((a, b) => Number(a.outlier) - Number(b.outlier));

  return (
    <svg
      className="scatter"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="img"
      aria-label={`Map of ${points.length} templates, coloured by person`}
      data-testid="embedding-map"
    >
      {ordered.map((point) => {
        const { cx, cy } = project(point);
        return (
          <g
            key={point.templateId}
            data-testid="map-point"
            data-template-id={point.templateId}
            data-person-id={point.personId}
            data-outlier={point.outlier}
          >
            <circle cx={cx} cy={cy} r={5} fill={colourOf.get(point.personId)} className="map-dot" />
            {point.outlier && <circle cx={cx} cy={cy} r={10} className="map-outlier-ring" />}
            <title>
              {`${point.personName}, template ${point.templateId}`}
              {point.nearestOther &&
                ` — nearer to ${point.nearestOther.personName} (${point.nearestOther.distance.toFixed(3)})`}
            </title>
          </g>
        );
      })}
    </svg>
  );
}
