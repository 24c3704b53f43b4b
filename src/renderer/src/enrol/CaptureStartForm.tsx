import { useId, useState, type FormEvent } from 'react';
import type { EnrolCaptureStartRequest } from '../../../shared/ipc';

/** Who is being enrolled from the camera. */
export function CaptureStartForm({
  busy,
  onStart,
}: {
  readonly busy: boolean;
  onStart(request: EnrolCaptureStartRequest): void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [employeeCode, setEmployeeCode] = useState('');
  const [force, setForce] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onStart({ name: name.trim(), employeeCode: employeeCode.trim(), force });
  };
  return (
    <form className="stack" onSubmit={submit} data-testid="capture-start-form">
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-code`}>Employee code (optional)</label>
          <input id={`${id}-code`} value={employeeCode} onChange={(event) => setEmployeeCode(event.target.value)} />
        </div>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} />
        Accept a face that matches someone already enrolled
      </label>
      <div>
        <button type="submit" className="primary" disabled={busy || name.trim() === ''}>
          Start the camera enrolment
        </button>
      </div>
    </form>
  );
}
