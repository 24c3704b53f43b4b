// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSettings, SettingsResponse } from '../../../shared/ipc';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { settingsResponse } from '../testing/fixtures';
import { SettingsPanel } from './SettingsPanel';
import { SETTING_FIELDS } from './settingFields';
import { useSettings } from './settingsStore';

let fake: FakeClockface;
let stored: SettingsResponse;

beforeEach(() => {
  useSettings.setState(useSettings.getInitialState(), true);
  stored = { ...settingsResponse({ matchThreshold: 0.55 }), restartRequired: ['detector'] };
  fake = installFakeClockface()
    .handle('settings:get', () => stored)
    .handle('cameras:list', () => ({
      cameras: [{ id: '0', label: 'Camera 0', kind: 'device' }],
      selected: '0',
    }))
    .handle('app:get-info', () => ({ version: '0.1.0', models: { ok: true, list: [] } }));
});

afterEach(cleanup);

describe('settings panel', () => {
  it('has a labelled control for every setting, showing the stored value and the default', async () => {
    render(<SettingsPanel />);
    await screen.findByTestId('settings-form');
    for (const field of Object.values(SETTING_FIELDS)) expect(screen.getByLabelText(field.label)).toBeTruthy();
    expect((screen.getByLabelText('Match threshold') as HTMLInputElement).value).toBe('0.55');
    expect(screen.getByTestId('setting-matchThreshold').textContent).toContain('Default: 0.6.');
    expect(screen.getByTestId('setting-detector').textContent).toContain(
      'The stored value is not in use yet: restart the app.',
    );
    expect(screen.getByTestId('setting-cooldownMinutes').textContent).not.toContain('Restart');
  });

  it("shows main's refusal under the setting it names, and sends only what changed", async () => {
    fake.handle('settings:set', (patch) => {
      if (patch.matchThreshold !== undefined && patch.matchThreshold > 2) {
        throw new Error(`matchThreshold cannot be ${patch.matchThreshold}: Too big: expected number to be <=2`);
      }
      stored = { ...stored, values: { ...stored.values, ...patch } as AppSettings };
      return stored;
    });
    const user = userEvent.setup();
    render(<SettingsPanel />);
    const threshold = (await screen.findByLabelText('Match threshold')) as HTMLInputElement;

    await user.clear(threshold);
    await user.type(threshold, '5');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    const error = await screen.findByTestId('setting-error-matchThreshold');
    expect(error.textContent).toBe('Match threshold cannot be 5: Too big: expected number to be <=2');
    expect(threshold.getAttribute('aria-invalid')).toBe('true');
    expect(threshold.getAttribute('aria-describedby')).toContain(error.id);
    expect(fake.requests('settings:set')).toEqual([{ matchThreshold: 5 }]);

    await user.clear(threshold);
    await user.type(threshold, '0.5');
    await user.click(screen.getByLabelText('Full-screen kiosk'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByTestId('settings-saved')).toBeTruthy();
    expect(fake.requests('settings:set')[1]).toEqual({ matchThreshold: 0.5, kioskFullScreen: true });
    expect(screen.queryByTestId('setting-error-matchThreshold')).toBeNull();
    expect((screen.getByLabelText('Match threshold') as HTMLInputElement).value).toBe('0.5');
  });

  it('shows a calibrated threshold to 3 decimals, and stores it again only when it is edited', async () => {
    stored = settingsResponse({ matchThreshold: 0.5708663731031314 });
    fake.handle('settings:set', (patch) => {
      stored = { ...stored, values: { ...stored.values, ...patch } as AppSettings };
      return stored;
    });
    const user = userEvent.setup();
    render(<SettingsPanel />);
    const threshold = (await screen.findByLabelText('Match threshold')) as HTMLInputElement;
    expect(threshold.value).toBe('0.571');
    expect(threshold.step).toBe('0.001');
    // Times in 24-hour form, as everywhere else in the app.
    expect((screen.getByLabelText('Attendance day starts at') as HTMLInputElement).value).toBe('04:00');

    await user.clear(screen.getByLabelText('Cooldown (minutes)'));
    await user.type(screen.getByLabelText('Cooldown (minutes)'), '2');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByTestId('settings-saved');
    expect(fake.requests('settings:set')).toEqual([{ cooldownMinutes: 2 }]);
    expect(stored.values.matchThreshold).toBe(0.5708663731031314);

    // The saved settings re-render the form: the field is a new element.
    await user.clear(screen.getByLabelText('Match threshold'));
    await user.type(screen.getByLabelText('Match threshold'), '0.57');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByTestId('settings-saved');
    expect(fake.requests('settings:set').at(-1)).toEqual({ matchThreshold: 0.57 });
  });

  it('refuses an empty number field itself, and shows a refusal that names no setting above the buttons', async () => {
    fake.handle('settings:set', () => {
      throw new Error('the settings could not be stored: the database is read-only');
    });
    const user = userEvent.setup();
    render(<SettingsPanel />);

    await user.clear(await screen.findByLabelText('Cooldown (minutes)'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByTestId('setting-error-cooldownMinutes').textContent).toBe('Cooldown (minutes): enter a number.');
    expect(fake.requests('settings:set')).toEqual([]);

    await user.type(screen.getByLabelText('Cooldown (minutes)'), '10');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect((await screen.findByTestId('settings-error')).textContent).toBe(
      'The settings could not be stored: the database is read-only',
    );
    expect(fake.requests('settings:set')).toEqual([{ cooldownMinutes: 10 }]);
  });
});
