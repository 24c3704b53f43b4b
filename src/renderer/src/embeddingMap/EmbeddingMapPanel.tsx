import { useMemo } from 'react';
import type { EmbeddingMapResponse } from '../../../shared/ipc';
import { ComputeForm } from '../common/ComputeForm';
import { EmbeddingScatter } from './EmbeddingScatter';
import { useEmbeddingMap } from './embeddingMapStore';
import { personColours } from './personColours';
import './embeddingMap.css';

const DEFAULT_SEED = 42;

export function EmbeddingMapPanel() {
  const { map, computing, error, compute } = useEmbeddingMap();
  return (
    <div className="stack">
      <h2>Embedding map</h2>
      <p className="muted">
        Every enrolled template placed so that similar faces lie close together. A ringed dot is nearer to someone else
        than to its own person: often a poor or mislabelled enrolment photo.
      </p>
      <ComputeForm
        label="Layout seed"
        initialValue={DEFAULT_SEED}
        wholeNumber
        computing={computing}
        onCompute={(seed) => void compute(seed)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {map && <EmbeddingMapView map={map} />}
    </div>
  );
}

function EmbeddingMapView({ map }: { readonly map: EmbeddingMapResponse }) {
  const colours = useMemo(() => personColours(map.points), [map.points]);
  const colourOf = useMemo(() => new Map(colours.map((person) => [person.personId, person.colour])), [colours]);
  const outliers = map.points.filter((point) => point.outlier);
  if (map.points.length === 0) return <p className="muted">No templates are enrolled yet.</p>;
  return (
    <div className="embedding-layout">
      <EmbeddingScatter points={map.points} colourOf={colourOf} />
      <div className="stack">
        <p className="muted">
          {map.points.length} templates, UMAP with {map.neighbours} neighbours.
        </p>
        <ul className="map-legend" aria-label="People" data-testid="map-legend">
          {colours.map((person) => (
            <li key={person.personId}>
              <span className="swatch" style={{ background: person.colour }} aria-hidden="true" />
              {person.name} <span className="muted">({person.templates})</span>
            </li>
          ))}
        </ul>
        <h3>Outliers</h3>
        {outliers.length === 0 ? (
          <p className="muted">None: every template is nearest to its own person.</p>
        ) : (
          <ul className="map-outliers">
            {outliers.map((point) => (
              <li key={point.templateId} data-testid="map-outlier" data-template-id={point.templateId}>
                {point.personName}&apos;s template {point.templateId}
                {point.nearestOther &&
                  ` is nearer to ${point.nearestOther.personName} (distance ${point.nearestOther.distance.toFixed(3)})`}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
