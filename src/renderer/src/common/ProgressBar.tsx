interface ProgressBarProps {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** A line under the bar, e.g. the file just finished. */
  readonly detail?: string | null;
  readonly testId?: string;
}

export function ProgressBar({ label, done, total, detail, testId }: ProgressBarProps) {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="progress">
      <div className="row">
        <span>{label}</span>
        <span className="muted">
          {done} / {total}
        </span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        data-testid={testId}
      >
        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      {detail && <span className="muted progress-detail">{detail}</span>}
    </div>
  );
}
