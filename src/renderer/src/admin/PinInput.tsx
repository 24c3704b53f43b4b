import type { InputHTMLAttributes } from 'react';

export const MAX_PIN_DIGITS = 12;

type PinInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  readonly value: string;
  onChange(value: string): void;
};

/** A masked field that keeps only digits, up to a PIN's longest. */
export function PinInput({ value, onChange, ...rest }: PinInputProps) {
  return (
    <input
      {...rest}
      type="password"
      inputMode="numeric"
      autoComplete="off"
      maxLength={MAX_PIN_DIGITS}
      value={value}
      onChange={(event) => onChange(event.target.value.replace(/\D/g, '').slice(0, MAX_PIN_DIGITS))}
    />
  );
}
