import { useId, useState } from 'react';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { useAttendance } from './attendanceStore';

/** Deletes old attendance now, rather than waiting for the daily retention run. */
export function RetentionPrune() {
  const id = useId();
  const prune = useAttendance((state) => state.prune);
  const [days, setDays] = useState('365');
  const [confirming, setConfirming] = useState(false);
  const olderThanDays = Number(days);
  const valid = Number.isInteger(olderThanDays) && olderThanDays >= 1;
  return (
    <div className="row retention-prune">
      <div className="field">
        <label htmlFor={id}>Delete events older than (days)</label>
        <input
          id={id}
          type="number"
          min={1}
          step={1}
          value={days}
          onChange={(event) => setDays(event.target.value)}
          aria-invalid={!valid}
        />
      </div>
      <button type="button" className="danger" disabled={!valid} onClick={() => setConfirming(true)}>
        Delete old events…
      </button>
      {confirming && (
        <ConfirmDialog
          title="Delete old attendance?"
          confirmLabel="Delete"
          testId="prune-dialog"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            await prune(olderThanDays);
          }}
        >
          <p>Every check-in and check-out older than {olderThanDays} days is deleted for good.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
