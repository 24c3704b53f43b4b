import { useId, useState, type FormEvent } from 'react';

interface RenameFormProps {
  readonly currentName: string;
  /** Resolves to null when renamed, or the reason it was refused. */
  onRename(name: string): Promise<string | null>;
  onDone(): void;
}

/** The name cell while it is being edited: Enter saves, Escape cancels. */
export function RenameForm({ currentName, onRename, onDone }: RenameFormProps) {
  const id = useId();
  const [name, setName] = useState(currentName);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === currentName) {
      onDone();
      return;
    }
    setSaving(true);
    const refusal = await onRename(name.trim());
    setSaving(false);
    if (refusal === null) onDone();
    else setProblem(refusal);
  };

  return (
    <form
      className="rename-form"
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDone();
      }}
    >
      <label className="visually-hidden" htmlFor={id}>
        New name for {currentName}
      </label>
      <div className="row">
        <input
          id={id}
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={problem !== null}
          aria-describedby={problem ? `${id}-problem` : undefined}
          autoFocus
          data-testid="rename-input"
        />
        <button type="submit" className="primary" disabled={saving || name.trim() === ''}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {problem && (
        <p id={`${id}-problem`} className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
