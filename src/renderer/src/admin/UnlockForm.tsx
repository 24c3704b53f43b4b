import { useState } from 'react';
import { LockoutCountdown } from './LockoutCountdown';
import { PinPad } from './PinPad';
import { useAdminSession } from './adminSessionStore';

/** The PIN pad that unlocks the admin screens; during a lockout it waits out the countdown. */
export function UnlockForm({ lockedUntil }: { readonly lockedUntil: number | null }) {
  const attemptMessage = useAdminSession((state) => state.attemptMessage);
  const checking = useAdminSession((state) => state.checking);
  const unlock = useAdminSession((state) => state.unlock);
  const refresh = useAdminSession((state) => state.refresh);
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
      {lockedOut ? (
        <LockoutCountdown until={lockedUntil} onOver={refresh} />
      ) : (
        attemptMessage && (
          <p className="error" role="alert" data-testid="pin-message">
            {attemptMessage}
          </p>
        )
      )}
    </div>
  );
}
