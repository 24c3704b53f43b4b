// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveFrame, LiveStatus } from '../../../shared/ipc';
import { App } from '../App';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { checkIn } from '../testing/fixtures';
import { GREETING_FADE_MS, GREETING_VISIBLE_MS, UNKNOWN_HINT_MS, useLiveStore } from './liveStore';

const status = (state: LiveStatus['state'], detail: string | null = null): LiveStatus => ({
  state,
  source: '0',
  detail,
  at: Date.now(),
});

const frame = (sequence: number, capturedAt: number): LiveFrame => ({
  sequence,
  capturedAt,
  jpeg: 'data:image/jpeg;base64,',
  width: 640,
  height: 480,
  faces: [],
  timingsMs: {},
});

let fake: FakeClockface;

beforeEach(() => {
  vi.useFakeTimers();
  useLiveStore.setState(useLiveStore.getInitialState(), true);
  fake = installFakeClockface().handle('live:get-status', () => status('ok'));
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Renders the app (the kiosk is its default screen) and lets the status call answer. */
async function renderKiosk() {
  const view = render(<App />);
  await act(async () => {});
  return view;
}

describe('kiosk screen', () => {
  it('shows the greeting of a live:attendance push inside the reserved area, moving nothing, then fades it', async () => {
    await renderKiosk();
    const kiosk = screen.getByTestId('kiosk-screen');
    const area = screen.getByTestId('greeting-area');
    const preview = screen.getByTestId('live-preview');
    const layoutBefore = [...kiosk.children];
    expect(area.childElementCount).toBe(0);

    act(() => fake.push('live:attendance', checkIn()));

    const greeting = screen.getByTestId('kiosk-greeting');
    expect(greeting.textContent).toBe('Good morning, Alice — checked in 08:59');
    expect(greeting.dataset.kind).toBe('in');
    // The same elements in the same order: the greeting only filled the area kept for it.
    expect([...kiosk.children]).toEqual(layoutBefore);
    expect(screen.getByTestId('greeting-area')).toBe(area);
    expect(screen.getByTestId('live-preview')).toBe(preview);
    expect(area.contains(greeting)).toBe(true);
    expect(greeting.className).toContain('greeting-shown');

    act(() => vi.advanceTimersByTime(GREETING_VISIBLE_MS));
    expect(screen.getByTestId('kiosk-greeting').className).toContain('greeting-fading');
    act(() => vi.advanceTimersByTime(GREETING_FADE_MS));
    expect(screen.queryByTestId('kiosk-greeting')).toBeNull();
    expect([...kiosk.children]).toEqual(layoutBefore);
  });

  it('replaces a greeting with the next one and says goodbye or already-checked-in', async () => {
    await renderKiosk();
    act(() => fake.push('live:attendance', checkIn()));
    act(() => vi.advanceTimersByTime(GREETING_VISIBLE_MS - 1000));
    act(() => fake.push('live:attendance', checkIn({ name: 'Bob', personId: 2, kind: 'out', todayMinutes: 492 })));
    expect(screen.getByTestId('kiosk-greeting').textContent).toBe('Goodbye, Bob — 8 h 12 min today');
    // The second greeting has its own full time on screen.
    act(() => vi.advanceTimersByTime(GREETING_VISIBLE_MS - 1));
    expect(screen.getByTestId('kiosk-greeting').className).toContain('greeting-shown');

    const previousAt = new Date(2025, 2, 3, 8, 59).getTime();
    act(() => fake.push('live:attendance', checkIn({ already: true, previousAt })));
    expect(screen.getByTestId('kiosk-greeting').textContent).toBe('Alice, already checked in at 08:59');
    expect(screen.getByTestId('kiosk-greeting').dataset.kind).toBe('already');
  });

  it('shows the unknown-face hint until the face is recognised or has gone', async () => {
    await renderKiosk();
    expect(screen.queryByTestId('unknown-hint')).toBeNull();

    act(() => fake.push('live:unknown', { trackId: 4, box: { x: 10, y: 10, width: 80, height: 80 }, at: Date.now() }));
    expect(screen.getByTestId('unknown-hint').textContent).toBe('Face not recognised — please see the administrator');
    // Another face being recognised does not hide it; this face being recognised does.
    act(() => fake.push('live:identified', { trackId: 9, personId: 1, name: 'Alice', distance: 0.4, at: Date.now() }));
    expect(screen.getByTestId('unknown-hint')).toBeTruthy();
    act(() => fake.push('live:identified', { trackId: 4, personId: 2, name: 'Bob', distance: 0.5, at: Date.now() }));
    expect(screen.queryByTestId('unknown-hint')).toBeNull();

    act(() => fake.push('live:unknown', { trackId: 5, box: { x: 0, y: 0, width: 0, height: 0 }, at: Date.now() }));
    act(() => vi.advanceTimersByTime(UNKNOWN_HINT_MS - 1));
    expect(screen.getByTestId('unknown-hint')).toBeTruthy();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryByTestId('unknown-hint')).toBeNull();
  });

  it('shows a banner while the camera is lost, reconnecting or ended, and none while it delivers', async () => {
    fake.handle('live:get-status', () => status('stopped', 'no camera is connected to the app'));
    await renderKiosk();
    expect(screen.getByTestId('status-banner').textContent).toBe(
      'The camera is not runningNo camera is connected to the app',
    );

    act(() => fake.push('live:status', status('lost', 'the camera stopped delivering frames')));
    const banner = screen.getByTestId('status-banner');
    expect(banner.dataset.state).toBe('lost');
    expect(banner.textContent).toContain('Camera lost — trying to reconnect');
    expect(banner.textContent).toContain('The camera stopped delivering frames');

    act(() => fake.push('live:status', status('reconnecting')));
    expect(screen.getByTestId('status-banner').textContent).toBe('Reconnecting to the camera…');
    act(() => fake.push('live:status', status('ended')));
    expect(screen.getByTestId('status-banner').textContent).toBe('The video has ended');
    act(() => fake.push('live:status', status('ok')));
    expect(screen.queryByTestId('status-banner')).toBeNull();
  });

  it('ignores a frame made before the latest status, or while the source is not delivering, but acknowledges it', async () => {
    fake.handle('live:frame-shown', () => null);
    // jsdom has no 2D canvas (it logs "not implemented"); what is drawn is the e2e suite's to check.
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    await renderKiosk();
    const at = Date.now();
    act(() => fake.push('live:status', { ...status('ok'), at }));
    act(() => fake.push('live:frame', frame(1, at + 10)));
    expect(useLiveStore.getState().frame?.sequence).toBe(1);

    // The clip ends; its last preview, encoded before the end, arrives after the status.
    act(() => fake.push('live:status', { ...status('ended', 'end of file'), at: at + 20 }));
    expect(useLiveStore.getState().frame).toBeNull();
    act(() => fake.push('live:frame', frame(2, at + 15)));
    act(() => fake.push('live:frame', frame(3, at + 25)));
    expect(useLiveStore.getState().frame).toBeNull();

    // The next source delivers: a late frame of the previous one is still not shown, its own are.
    act(() => fake.push('live:status', { ...status('ok'), at: at + 40 }));
    act(() => fake.push('live:frame', frame(4, at + 30)));
    expect(useLiveStore.getState().frame).toBeNull();
    act(() => fake.push('live:frame', frame(5, at + 50)));
    expect(useLiveStore.getState().frame?.sequence).toBe(5);
    await act(async () => {});
    // Main sends the next frame once this one is handled, drawn or not.
    expect(fake.requests('live:frame-shown').map((request) => request.sequence)).toEqual(
      expect.arrayContaining([2, 3, 4]),
    );
  });

  it('keeps the status of a push that arrives before the live:get-status answer', async () => {
    let answer: (value: LiveStatus) => void = () => {};
    fake.handle('live:get-status', () => new Promise<LiveStatus>((resolve) => (answer = resolve)));
    render(<App />);
    act(() => fake.push('live:status', status('lost')));
    await act(async () => answer(status('ok')));
    expect(screen.getByTestId('status-banner').dataset.state).toBe('lost');
  });

  it('stops listening to every push channel and cancels its timers when unmounted', async () => {
    const { unmount } = await renderKiosk();
    expect(fake.listenerCount('live:frame')).toBe(1);
    expect(fake.listenerCount('live:attendance')).toBe(1);
    expect(fake.listenerCount('progress')).toBe(1);
    act(() => fake.push('live:attendance', checkIn()));

    unmount();

    expect(fake.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
