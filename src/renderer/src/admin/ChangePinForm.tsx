import { useId, useState, type FormEvent } from 'react';
import { PinInput } from './PinInput';
import { useAdminSession } from './adminSessionStore';

/** Change the admin PIN: the current one, then the new one twice. */
export function ChangePinForm() {
  const changePin = useAdminSession((state) => state.changePin);
  const ids = useId();
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [repeated, setRepeated] = useState('');
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly message: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newPin !== repeated) {
      setOutcome({ ok: false, message: 'The new PIN and its repetition differ.' });
      return;
    }
    setSaving(true);
    const refusal = await changePin(currentPin, newPin);
    setSaving(false);
    setOutcome(refusal === null ? { ok: true, message: 'The PIN was changed.' } : { ok: false, message: refusal });
    if (refusal === null) {
      setCurrentPin('');
      setNewPin('');
      setRepeated('');
    }
  };

  return (
    <form className="stack change-pin" onSubmit={submit} data-testid="change-pin-form">
      <h3>Admin PIN</h3>
      <div className="row">
        <PinField id={`${ids}-current`} label="Current PIN" value={currentPin} onChange={setCurrentPin} />
        <PinField id={`${ids}-new`} label="New PIN (4 to 12 digits)" value={newPin} onChange={setNewPin} />
        <PinField id={`${ids}-repeat`} label="New PIN again" value={repeated} onChange={setRepeated} />
      </div>
      <div className="row">
        <button type="submit" disabled={saving || currentPin === '' || newPin === ''}>
          Change PIN
        </button>
        {outcome && (
          <span className={outcome.ok ? 'notice' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
            {outcome.message}
          </span>
        )}
      </div>
    </form>
  );
}

function PinField({
  id,
  label,
  value,
  onChange,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  onChange(value: string): void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <PinInput id={id} value={value} onChange={onChange} />
    </div>
  );
}
