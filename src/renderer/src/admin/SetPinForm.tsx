import { useState } from 'react';
import { PinMessage, PinMessageSlot } from './PinMessage';
import { PinPad } from './PinPad';
import { useAdminSession, type PinNote } from './adminSessionStore';

const PIN_RULE = /^\d{4,12}$/;

/** First run: choose the admin PIN, then type it again to confirm it. */
export function SetPinForm() {
  const pinMessage = useAdminSession((state) => state.pinMessage);
  const checking = useAdminSession((state) => state.checking);
  const setAdminPin = useAdminSession((state) => state.setPin);
  const [chosen, setChosen] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async () => {
    if (chosen === null) {
      if (!PIN_RULE.test(pin)) {
        setProblem('A PIN is 4 to 12 digits.');
        return;
      }
      setChosen(pin);
      setPin('');
      setProblem(null);
      return;
    }
    if (pin !== chosen) {
      setChosen(null);
      setPin('');
      setProblem('The two PINs differ: choose the PIN again.');
      return;
    }
    await setAdminPin(chosen);
    setPin('');
  };

  const note: PinNote | null = problem === null ? pinMessage : { text: problem, tone: 'error' };
  return (
    <div className="stack" data-testid="set-pin-form">
      <p className="muted">No admin PIN is set yet. Choose one of 4 to 12 digits to protect the admin screens.</p>
      <PinPad
        key={chosen === null ? 'choose' : 'confirm'}
        label={chosen === null ? 'Choose a PIN' : 'Type the same PIN again'}
        value={pin}
        onChange={setPin}
        submitLabel={chosen === null ? 'Next' : checking ? 'Saving…' : 'Set PIN'}
        disabled={checking}
        onSubmit={submit}
      />
      <PinMessageSlot>{note && <PinMessage note={note} />}</PinMessageSlot>
    </div>
  );
}
