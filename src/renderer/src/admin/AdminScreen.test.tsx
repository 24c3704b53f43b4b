// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminAttemptResponse, AdminState } from '../../../shared/ipc';
import { ADMIN_LOCKED_MESSAGE } from '../api/clockface';
import { App } from '../App';
import { useNavigation } from '../navigation/navigationStore';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { adminState, settingsResponse } from '../testing/fixtures';
import { useAdminSession } from './adminSessionStore';

let fake: FakeClockface;
let admin: AdminState;

beforeEach(() => {
  useAdminSession.setState(useAdminSession.getInitialState(), true);
  useNavigation.setState({ ...useNavigation.getInitialState(), screen: 'admin' });
  fake = installFakeClockface()
    .handle('live:get-status', () => ({ state: 'ok', source: '0', detail: null, at: 0 }))
    .handle('admin:get-state', () => admin)
    .handle('people:list', () => []);
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function keypad() {
  return within(screen.getByRole('group', { name: 'Keypad' }));
}

describe('admin PIN', () => {
  it('asks for a PIN on first run, with a confirmation, and opens the admin screens once it is set', async () => {
    admin = adminState({ pinSet: false });
    fake.handle('admin:set-pin', ({ pin }): AdminAttemptResponse => {
      admin = adminState({ pinSet: true, unlocked: true });
      return pin === '2468'
        ? { ok: true, state: admin }
        : { ok: false, reason: 'no-pin-set', message: '?', state: admin };
    });
    const user = userEvent.setup();
    render(<App />);

    expect(await screen.findByTestId('set-pin-form')).toBeTruthy();
    // Too short: refused here, nothing sent.
    await user.type(screen.getByLabelText('Choose a PIN'), '12');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('pin-message').textContent).toBe('A PIN is 4 to 12 digits.');

    // By touch: the keypad; the confirmation differs, so it starts over.
    await user.click(keypad().getByRole('button', { name: 'Clear' }));
    for (const digit of '2468') await user.click(keypad().getByRole('button', { name: digit }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.type(screen.getByLabelText('Type the same PIN again'), '2469');
    await user.click(screen.getByRole('button', { name: 'Set PIN' }));
    expect(screen.getByTestId('pin-message').textContent).toBe('The two PINs differ: choose the PIN again.');
    expect(fake.requests('admin:set-pin')).toEqual([]);

    // By keyboard: typed, then Enter.
    await user.type(screen.getByLabelText('Choose a PIN'), '2468{Enter}');
    await user.type(screen.getByLabelText('Type the same PIN again'), '24x68{Enter}');

    expect(fake.requests('admin:set-pin')).toEqual([{ pin: '2468' }]);
    expect(await screen.findByRole('tablist', { name: 'Admin sections' })).toBeTruthy();
  });

  it('says how many tries are left after a wrong PIN, and unlocks with the right one', async () => {
    admin = adminState();
    fake.handle('admin:unlock', ({ pin }): AdminAttemptResponse => {
      if (pin === '1357') {
        admin = adminState({ unlocked: true });
        return { ok: true, state: admin };
      }
      admin = adminState({ failedAttempts: 1 });
      return { ok: false, reason: 'wrong-pin', message: 'wrong PIN: 4 tries left', state: admin };
    });
    const user = userEvent.setup();
    render(<App />);

    await user.type(await screen.findByLabelText('Enter the admin PIN'), '9999{Enter}');
    expect((await screen.findByTestId('pin-message')).textContent).toBe('Wrong PIN: 4 tries left');
    expect((screen.getByTestId('pin-input') as HTMLInputElement).value).toBe('');

    await user.type(screen.getByLabelText('Enter the admin PIN'), '1357{Enter}');
    expect(await screen.findByRole('tab', { name: 'People', selected: true })).toBeTruthy();
    expect(fake.requests('admin:unlock')).toEqual([{ pin: '9999' }, { pin: '1357' }]);
  });

  it('counts down a lockout with the pad disabled, then lets the admin try again', async () => {
    vi.useFakeTimers();
    admin = adminState({ failedAttempts: 4 });
    fake.handle('admin:unlock', (): AdminAttemptResponse => {
      admin = adminState({ failedAttempts: 5, lockedUntil: Date.now() + 30_000 });
      return { ok: false, reason: 'wrong-pin', message: 'too many wrong PINs: try again in 30 s', state: admin };
    });
    render(<App />);
    await act(async () => {});

    fireEvent.change(screen.getByLabelText('Enter the admin PIN'), { target: { value: '0000' } });
    fireEvent.submit(screen.getByTestId('pin-pad'));
    await act(async () => {});

    const countdown = screen.getByTestId('lockout-countdown');
    expect(countdown.textContent).toBe('Too many wrong PINs. Try again in 0:30');
    expect((screen.getByTestId('pin-input') as HTMLInputElement).disabled).toBe(true);
    expect((keypad().getByRole('button', { name: '5' }) as HTMLButtonElement).disabled).toBe(true);

    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.getByTestId('lockout-countdown').textContent).toBe('Too many wrong PINs. Try again in 0:20');

    // Main's lockout is over: its state says so when asked at the end of the countdown.
    admin = adminState({ failedAttempts: 5 });
    await act(async () => vi.advanceTimersByTime(20_000));
    expect(screen.queryByTestId('lockout-countdown')).toBeNull();
    expect((screen.getByTestId('pin-input') as HTMLInputElement).disabled).toBe(false);
    // The refusal that started the lockout is not put back: the pad says it takes PINs again.
    const message = screen.getByTestId('pin-message');
    expect(message.textContent).toBe('You can try again.');
    expect([message.getAttribute('role'), message.dataset.tone]).toEqual(['status', 'notice']);
    expect(screen.getByTestId('pin-message-slot').contains(message)).toBe(true);
  });

  it('locks and returns to the kiosk with the lock button', async () => {
    admin = adminState({ unlocked: true });
    fake.handle('admin:lock', () => {
      admin = adminState();
      return admin;
    });
    const user = userEvent.setup();
    render(<App />);

    await user.click(await screen.findByTestId('lock-admin'));

    expect(fake.requests('admin:lock')).toEqual([undefined]);
    expect(await screen.findByTestId('kiosk-screen')).toBeTruthy();
    expect(useAdminSession.getState().admin?.unlocked).toBe(false);
  });

  it('goes back to the PIN pad when main has locked the screens for idleness', async () => {
    admin = adminState({ unlocked: true });
    render(<App />);
    expect(await screen.findByTestId('people-table')).toBeTruthy();

    admin = adminState();
    fake.handle('people:list', () => {
      throw new Error(ADMIN_LOCKED_MESSAGE);
    });
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('Show removed people'));

    expect(await screen.findByTestId('unlock-form')).toBeTruthy();
  });

  it('changes the PIN, and says why when the current PIN is wrong', async () => {
    admin = adminState({ unlocked: true });
    useNavigation.setState({ adminTab: 'settings' });
    fake
      .handle('settings:get', () => settingsResponse())
      .handle('cameras:list', () => ({ cameras: [], selected: '0' }))
      .handle('app:get-info', () => ({ version: '0.1.0', models: { ok: true, list: [] } }))
      .handle(
        'admin:change-pin',
        ({ currentPin }): AdminAttemptResponse =>
          currentPin === '1357'
            ? { ok: true, state: admin }
            : { ok: false, reason: 'wrong-pin', message: 'wrong PIN: 4 tries left', state: admin },
      );
    const user = userEvent.setup();
    render(<App />);
    const form = within(await screen.findByTestId('change-pin-form'));

    await user.type(form.getByLabelText('Current PIN'), '1111');
    await user.type(form.getByLabelText('New PIN (4 to 12 digits)'), '8642');
    await user.type(form.getByLabelText('New PIN again'), '8642');
    await user.click(form.getByRole('button', { name: 'Change PIN' }));
    expect((await form.findByRole('alert')).textContent).toBe('Wrong PIN: 4 tries left');

    await user.clear(form.getByLabelText('Current PIN'));
    await user.type(form.getByLabelText('Current PIN'), '1357');
    await user.click(form.getByRole('button', { name: 'Change PIN' }));
    expect((await form.findByRole('status')).textContent).toBe('The PIN was changed.');
    expect(fake.requests('admin:change-pin')).toEqual([
      { currentPin: '1111', newPin: '8642' },
      { currentPin: '1357', newPin: '8642' },
    ]);
  });
});
