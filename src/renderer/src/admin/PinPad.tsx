import { useId } from 'react';
import { MAX_PIN_DIGITS, PinInput } from './PinInput';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

interface PinPadProps {
  readonly label: string;
  readonly value: string;
  onChange(value: string): void;
  onSubmit(): void;
  readonly submitLabel: string;
  readonly disabled?: boolean;
}

/** A PIN field that takes the keyboard and a large on-screen keypad for touch alike. */
export function PinPad({ label, value, onChange, onSubmit, submitLabel, disabled = false }: PinPadProps) {
  const inputId = useId();
  const type = (digit: string) => onChange((value + digit).slice(0, MAX_PIN_DIGITS));
  return (
    <form
      className="pin-pad"
      data-testid="pin-pad"
      onSubmit={(event) => {
        event.preventDefault();
        if (!disabled) onSubmit();
      }}
    >
      <label htmlFor={inputId}>{label}</label>
      <PinInput
        id={inputId}
        className="pin-input"
        value={value}
        onChange={onChange}
        disabled={disabled}
        data-testid="pin-input"
        autoFocus
      />
      <div className="pin-keys" role="group" aria-label="Keypad">
        {KEYS.map((digit) => (
          <button key={digit} type="button" disabled={disabled} onClick={() => type(digit)}>
            {digit}
          </button>
        ))}
        <button type="button" disabled={disabled || value === ''} onClick={() => onChange('')}>
          Clear
        </button>
        <button type="button" disabled={disabled} onClick={() => type('0')}>
          0
        </button>
        <button
          type="button"
          aria-label="Delete the last digit"
          disabled={disabled || value === ''}
          onClick={() => onChange(value.slice(0, -1))}
        >
          ⌫
        </button>
      </div>
      <button type="submit" className="primary pin-submit" disabled={disabled || value === ''}>
        {submitLabel}
      </button>
    </form>
  );
}
