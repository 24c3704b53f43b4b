import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTempStores } from '../engine/store/testStore.js';
import { createSettingsService, DEFAULT_APP_SETTINGS, SettingsError } from './settings.js';

describe('app settings', () => {
  const temp = useTempStores();

  it('has documented defaults: camera 0, SSD, 0.6, 5 min cooldown, in-out, 04:00, keep forever, windowed, 5 idle min', () => {
    expect(DEFAULT_APP_SETTINGS).toEqual({
      cameraSource: '0',
      detector: 'ssd',
      matchThreshold: 0.6,
      cooldownMinutes: 5,
      attendanceMode: 'in-out',
      dayBoundary: '04:00',
      retentionDays: 0,
      kioskFullScreen: false,
      adminIdleMinutes: 5,
    });
    expect(createSettingsService(temp.open()).get()).toEqual(DEFAULT_APP_SETTINGS);
  });

  it('stores a change across re-opening, shared with the attendance service’s own keys, each audited', () => {
    const store = temp.open();
    const settings = createSettingsService(store);
    const after = settings.set({ cooldownMinutes: 10, dayBoundary: '05:30', detector: 'tiny', cameraSource: ' 2 ' });
    expect(after).toEqual({
      ...DEFAULT_APP_SETTINGS,
      cooldownMinutes: 10,
      dayBoundary: '05:30',
      detector: 'tiny',
      cameraSource: '2',
    });
    store.close();
    const again = temp.open();
    expect(createSettingsService(again).get()).toEqual(after);
    expect(again.audit.list().map((e) => e.details)).toEqual([
      { key: 'camera.source', value: '2' },
      { key: 'engine.detector', value: 'tiny' },
      { key: 'attendance.dayBoundary', value: '05:30' },
      { key: 'attendance.cooldownMinutes', value: 10 },
    ]);
  });

  it.each([
    [{ cooldownMinutes: 5000 }, 'cooldownMinutes cannot be 5000: Too big: expected number to be <=1440'],
    [{ dayBoundary: '25:00' }, 'dayBoundary cannot be "25:00": must be a local time "HH:MM", 00:00 to 23:59'],
    [{ matchThreshold: 0 }, 'matchThreshold cannot be 0: Too small: expected number to be >0'],
    [{ retentionDays: 1.5 }, 'retentionDays cannot be 1.5: must be a whole number of days'],
    [{ retentionDays: -1 }, 'retentionDays cannot be -1: Too small: expected number to be >=0'],
    [{ adminIdleMinutes: 0 }, 'adminIdleMinutes cannot be 0: Too small: expected number to be >=1'],
    [
      { attendanceMode: 'sometimes' },
      'attendanceMode cannot be "sometimes": Invalid option: expected one of "in-out"|"in-only"',
    ],
    [{ cameraSource: '' }, 'cameraSource cannot be "": Too small: expected string to have >=1 characters'],
    [
      { cameraSource: '/no/such/video.mp4' },
      'cameraSource cannot be used: /no/such/video.mp4: is not a camera index, an existing video file or a stream URL (rtsp://, http://)',
    ],
    [
      { cameraSource: 'ftp://camera.local/feed' },
      'cameraSource cannot be used: ftp://camera.local/feed: unsupported URL scheme "ftp:"; streams must be rtsp, rtsps, rtmp, http or https',
    ],
    [{ volume: 11 }, 'there is no setting called "volume"'],
  ])('refuses %j and stores nothing, not even the valid values beside it', (bad, message) => {
    const store = temp.open();
    const settings = createSettingsService(store);
    const patch = { cooldownMinutes: 7, ...bad } as Parameters<typeof settings.set>[0];
    expect(() => settings.set(patch)).toThrow(SettingsError);
    expect(() => settings.set(patch)).toThrow(message);
    expect(settings.get()).toEqual(DEFAULT_APP_SETTINGS);
    expect(store.audit.list()).toEqual([]);
  });

  it('accepts a stream URL and an existing video file as the camera', () => {
    const settings = createSettingsService(temp.open());
    expect(settings.set({ cameraSource: 'rtsp://kiosk:secret@10.0.0.5/stream1' }).cameraSource).toBe(
      'rtsp://kiosk:secret@10.0.0.5/stream1',
    );
    // Only existence is checked here; the live loop reports a file it cannot decode.
    const clip = temp.file('door-camera.mp4');
    writeFileSync(clip, 'not checked until played');
    expect(settings.set({ cameraSource: clip }).cameraSource).toBe(clip);
  });
});
