import type { CameraInfo, SettingKey } from '../../../shared/ipc';
import { SETTING_FIELDS, type SettingsDraft } from './settingFields';

interface SettingInputProps {
  readonly settingKey: SettingKey;
  readonly draft: SettingsDraft;
  onChange(draft: SettingsDraft): void;
  readonly cameras: readonly CameraInfo[];
  readonly defaultValue: string;
  /** Why the value was refused; null when it was not. */
  readonly error: string | null;
  readonly restartRequired: boolean;
}

/** One setting: its label, its control, what it does, its default and, when refused, why. */
export function SettingInput({
  settingKey,
  draft,
  onChange,
  cameras,
  defaultValue,
  error,
  restartRequired,
}: SettingInputProps) {
  const field = SETTING_FIELDS[settingKey];
  const id = `setting-${settingKey}`;
  const describedBy = `${id}-hint${error ? ` ${id}-error` : ''}`;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': error !== null };
  const value = draft[settingKey];
  const update = (next: string | boolean) => onChange({ ...draft, [settingKey]: next });

  let control;
  switch (field.kind.type) {
    case 'checkbox':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(event) => update(event.target.checked)}
        />
      );
      break;
    case 'select':
      control = (
        <select {...common} value={String(value)} onChange={(event) => update(event.target.value)}>
          {field.kind.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'camera':
      control = (
        <>
          <input
            {...common}
            list={`${id}-cameras`}
            value={String(value)}
            onChange={(event) => update(event.target.value)}
          />
          <datalist id={`${id}-cameras`}>
            {cameras.map((camera) => (
              <option key={camera.id} value={camera.id}>
                {camera.label}
              </option>
            ))}
          </datalist>
        </>
      );
      break;
    case 'time':
      // Text, not type="time": the picker shows the machine's 12-hour format, the app shows 24-hour times.
      control = (
        <input
          {...common}
          placeholder="HH:MM"
          maxLength={5}
          spellCheck={false}
          value={String(value)}
          onChange={(event) => update(event.target.value)}
        />
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          step={field.kind.step}
          inputMode="decimal"
          value={String(value)}
          onChange={(event) => update(event.target.value)}
        />
      );
      break;
  }

  return (
    <div
      className={field.kind.type === 'checkbox' ? 'field field-checkbox' : 'field'}
      data-testid={`setting-${settingKey}`}
    >
      <label htmlFor={id}>{field.label}</label>
      {control}
      <span id={`${id}-hint`} className="field-hint">
        {field.hint} Default: {defaultValue}.
        {restartRequired && ' The stored value is not in use yet: restart the app.'}
      </span>
      {error && (
        <span id={`${id}-error`} className="error" role="alert" data-testid={`setting-error-${settingKey}`}>
          {error}
        </span>
      )}
    </div>
  );
}
