import { useState } from 'react';
import { useAttendance } from './attendanceStore';

/** Saves the shown date range, for everyone, as the same CSV the command line writes. */
export function ExportCsv() {
  const exporting = useAttendance((state) => state.exporting);
  const exportCsv = useAttendance((state) => state.exportCsv);
  const [raw, setRaw] = useState(false);
  const [bom, setBom] = useState(false);
  return (
    <div className="row export-csv">
      <label className="checkbox">
        <input type="checkbox" checked={raw} onChange={(event) => setRaw(event.target.checked)} />
        One row per event (instead of one per person per day)
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={bom} onChange={(event) => setBom(event.target.checked)} />
        Byte-order mark for Excel
      </label>
      <button
        type="button"
        className="primary"
        disabled={exporting}
        onClick={() => void exportCsv({ raw, bom })}
        data-testid="export-csv"
      >
        {exporting ? 'Exporting…' : 'Export CSV'}
      </button>
    </div>
  );
}
