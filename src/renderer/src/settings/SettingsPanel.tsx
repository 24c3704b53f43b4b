import { useEffect } from 'react';
import { ChangePinForm } from '../admin/ChangePinForm';
import { AboutApp } from './AboutApp';
import { SettingsForm } from './SettingsForm';
import { useSettings } from './settingsStore';
import './settings.css';

export function SettingsPanel() {
  const { settings, cameras, error, load } = useSettings();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="stack">
      <h2>Settings</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {/* A new answer from main (saved, or a threshold applied elsewhere) starts the form afresh. */}
      {settings && <SettingsForm key={JSON.stringify(settings.values)} settings={settings} cameras={cameras} />}
      <section className="card">
        <ChangePinForm />
      </section>
      <AboutApp />
    </div>
  );
}
