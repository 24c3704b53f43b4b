import { useEffect } from 'react';
import { useNow } from '../common/useNow';

/** "Try again in 0:42", counting down to `until`; calls `onOver` once the time has come. */
export function LockoutCountdown({ until, onOver }: { readonly until: number; onOver(): void }) {
  const now = useNow(250);
  const secondsLeft = Math.max(0, Math.ceil((until - now) / 1000));
  useEffect(() => {
    if (secondsLeft === 0) onOver();
  }, [secondsLeft, onOver]);
  const minutes = Math.floor(secondsLeft / 60);
  const seconds = String(secondsLeft % 60).padStart(2, '0');
  return (
    <p className="lockout" role="timer" data-testid="lockout-countdown" data-seconds-left={secondsLeft}>
      Too many wrong PINs. Try again in{' '}
      <strong>
        {minutes}:{seconds}
      </strong>
    </p>
  );
}
