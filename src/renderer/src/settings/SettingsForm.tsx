import { useState, type FormEvent } from 'react';
import type { AppSettings, CameraInfo, SettingsResponse } from '../../../shared/ipc';
import { SettingInput } from './SettingInput';
import { changedSettings, SETTING_KEYS, toDraft } from './settingFields';
import { useSettings, type SettingsRefusal } from './settingsStore';

function shown(value: AppSettings[keyof AppSettings]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value === '' ? 'none' : String(value);
}

/** Every setting at once; "Save" sends only the changed ones, and main checks them all or stores none. */
export function SettingsForm({
  settings,
  cameras,
}: {
  readonly settings: SettingsResponse;
  readonly cameras: readonly CameraInfo[];
}) {
  const { saving, refusal, saved, save } = useSettings();
  const [draft, setDraft] = useState(() => toDraft(settings.values));
  const [localRefusal, setLocalRefusal] = useState<SettingsRefusal | null>(null);
  const problem = localRefusal ?? refusal;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const change = changedSettings(draft, settings.values);
    if (!change.ok) {
      setLocalRefusal({ key: change.key, message: change.message });
      return;
    }
    setLocalRefusal(null);
    void save(change.patch);
  };

  return (
    <form className="settings-form" onSubmit={submit} noValidate data-testid="settings-form">
      {SETTING_KEYS.map((key) => (
        <SettingInput
          key={key}
          settingKey={key}
          draft={draft}
          onChange={setDraft}
          cameras={cameras}
          defaultValue={shown(settings.defaults[key])}
          error={problem?.key === key ? problem.message : null}
          restartRequired={settings.restartRequired.includes(key)}
        />
      ))}
      {problem && problem.key === null && (
        <p className="error" role="alert" data-testid="settings-error">
          {problem.message}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        <button type="button" onClick={() => setDraft(toDraft(settings.values))} disabled={saving}>
          Undo changes
        </button>
        {saved && !problem && (
          <span className="notice" role="status" data-testid="settings-saved">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
