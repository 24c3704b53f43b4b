import { useId, useState, type FormEvent } from 'react';

interface ComputeFormProps {
  readonly label: string;
  readonly initialValue: number;
  /** Whole numbers only (a seed) or any number (a rate). */
  readonly wholeNumber: boolean;
  readonly computing: boolean;
  onCompute(value: number): void;
}

/** One number and a "Compute" button: the start of the calibration and the embedding map alike. */
export function ComputeForm({ label, initialValue, wholeNumber, computing, onCompute }: ComputeFormProps) {
  const id = useId();
  const [text, setText] = useState(String(initialValue));
  const value = Number(text);
  const valid = text.trim() !== '' && (wholeNumber ? Number.isInteger(value) : Number.isFinite(value));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onCompute(value);
  };
  return (
    <form className="row compute-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="number"
          step={wholeNumber ? 1 : 'any'}
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={!valid}
        />
      </div>
      <button type="submit" className="primary" disabled={computing || !valid}>
        {computing ? 'Computing…' : 'Compute'}
      </button>
    </form>
  );
}
