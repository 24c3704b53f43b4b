import { useState } from 'react';
import { LockoutCountdown } from './LockoutCountdown';
import { PinMessage, PinMessageSlot } from './PinMessage';
import { PinPad } from './PinPad';
import { useAdminSession } from './adminSessionStore';

/** The PIN pad that unlocks the admin screens; during a lockout it waits out the countdown. */
export function UnlockForm({ lockedUntil }: { readonly lockedUntil: number | null }) {
  const pinMessage = useAdminSession((state) => state.pinMessage);
  const checking = useAdminSession((state) => state.checking);
  const unlock = useAdminSession((state) => state.unlock);
  const lockoutOver = useAdminSession((state) => state.lockoutOver);
  const [pin, setPin] = useState('');

  const lockedOut = lockedUntil !== null;
  return (
    <div className="stack" data-testid="unlock-form">
      <PinPad
        label="Enter the admin PIN"
        value={pin}
        onChange={setPin}
        submitLabel={checking ? 'Checking…' : 'Unlock'}
        disabled={checking || lockedOut}
        onSubmit={async () => {
          await unlock(pin);
          setPin('');
        }}
      />
      <PinMessageSlot>
        {lockedOut ? (
          <LockoutCountdown until={lockedUntil} onOver={lockoutOver} />
        ) : (
          pinMessage && <PinMessage note={pinMessage} />
        )}
      </PinMessageSlot>
    </div>
  );
}
