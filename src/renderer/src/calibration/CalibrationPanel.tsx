import type { CalibrationReport } from '../../../shared/ipc';
import { ComputeForm } from '../common/ComputeForm';
import { DistanceHistogram } from './DistanceHistogram';
import { useCalibration } from './calibrationStore';
import './calibration.css';

const DEFAULT_TARGET_FAR = 0.001;

export function CalibrationPanel() {
  const { report, computing, error, applied, compute } = useCalibration();

  return (
    <div className="stack">
      <h2>Calibration</h2>
      <p className="muted">
        Compares every pair of enrolled templates: pairs of the same person should be close, pairs of different people
        far apart. The threshold between them decides who is recognised.
      </p>
      <ComputeForm
        label="Target false-accept rate"
        initialValue={DEFAULT_TARGET_FAR}
        wholeNumber={false}
        computing={computing}
        onCompute={(targetFar) => void compute(targetFar)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {applied !== null && (
        <p className="notice" role="status" data-testid="calibration-applied">
          The match threshold is now {applied.toFixed(3)}; it applies at once.
        </p>
      )}
      {report && <CalibrationReportView report={report} />}
    </div>
  );
}

function CalibrationReportView({ report }: { readonly report: CalibrationReport }) {
  const apply = useCalibration((state) => state.apply);
  const { bestF1, atTargetFar } = report;
  const farThreshold = atTargetFar.threshold;
  const marks = [
    { label: 'now', value: report.currentThreshold, className: 'mark-current' },
    { label: 'best F1', value: bestF1.threshold, className: 'mark-f1' },
    ...(farThreshold === null
      ? []
      : [{ label: `FAR ${atTargetFar.targetFar}`, value: farThreshold, className: 'mark-far' }]),
  ];
  return (
    <div className="stack">
      <p>
        {report.people} people, {report.templates} templates: {report.genuinePairs} same-person pairs and{' '}
        {report.impostorPairs} different-person pairs
        {report.sampled && ' (a random sample of the gallery)'}.
        {report.histogram.outOfRange > 0 && ` ${report.histogram.outOfRange} pairs lie beyond the chart.`}
      </p>
      <div className="row legend">
        <span className="legend-item legend-genuine">Same person (genuine)</span>
        <span className="legend-item legend-impostor">Different people (impostor)</span>
      </div>
      <DistanceHistogram histogram={report.histogram} marks={marks} />
      <div className="threshold-cards">
        <div className="card stack" data-testid="calibration-best-f1">
          <h3>Best F1: {bestF1.threshold.toFixed(3)}</h3>
          <p className="muted">
            F1 {bestF1.f1.toFixed(3)} — precision {bestF1.precision.toFixed(3)}, recall {bestF1.recall.toFixed(3)}
          </p>
          <button type="button" onClick={() => void apply(bestF1.threshold)}>
            Use {bestF1.threshold.toFixed(3)}
          </button>
        </div>
        <div className="card stack" data-testid="calibration-far">
          <h3>
            False accepts at most {atTargetFar.targetFar}: {farThreshold === null ? 'none' : farThreshold.toFixed(3)}
          </h3>
          <p className="muted">
            {farThreshold === null
              ? 'No threshold keeps false accepts this low on this gallery.'
              : `Accepts ${(atTargetFar.tar * 100).toFixed(1)}% of same-person pairs, ${(atTargetFar.far * 100).toFixed(3)}% of others.`}
          </p>
          {farThreshold !== null && (
            <button type="button" onClick={() => void apply(farThreshold)}>
              Use {farThreshold.toFixed(3)}
            </button>
          )}
        </div>
        <div className="card stack">
          <h3>In use: {report.currentThreshold.toFixed(3)}</h3>
          <p className="muted">The threshold the kiosk matches with now.</p>
        </div>
      </div>
    </div>
  );
}
