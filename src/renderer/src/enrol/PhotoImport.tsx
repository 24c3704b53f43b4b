import { useId, useState } from 'react';
import { ImportRunView } from './ImportRunView';
import { useImport } from './importStore';

/** Enrol from photo files: several photos of one person, or a folder with a sub-folder per person. */
export function PhotoImport() {
  const id = useId();
  const running = useImport((state) => state.run?.running ?? false);
  const enrolPhotos = useImport((state) => state.enrolPhotos);
  const importFolder = useImport((state) => state.importFolder);
  const [name, setName] = useState('');
  const [employeeCode, setEmployeeCode] = useState('');

  return (
    <div className="stack">
      <h3>From photos</h3>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-code`}>Employee code (optional)</label>
          <input id={`${id}-code`} value={employeeCode} onChange={(event) => setEmployeeCode(event.target.value)} />
        </div>
        <button
          type="button"
          className="primary"
          disabled={running || name.trim() === ''}
          onClick={() => void enrolPhotos(name.trim(), employeeCode.trim())}
          data-testid="choose-photos"
        >
          Choose photos…
        </button>
      </div>
      <p className="muted">
        Or import a folder holding one sub-folder of photos per person; each sub-folder&apos;s name is the person&apos;s
        name.
      </p>
      <div>
        <button type="button" disabled={running} onClick={() => void importFolder()} data-testid="choose-folder">
          Import a folder…
        </button>
      </div>
      <ImportRunView />
    </div>
  );
}
