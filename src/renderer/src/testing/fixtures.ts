import type { AdminState, AppSettings, LiveAttendance, PersonRow, SettingsResponse } from '../../../shared/ipc';

/** Plain contract values for component tests; each test overrides what it is about. */

export function person(overrides: Partial<PersonRow> & Pick<PersonRow, 'id' | 'name'>): PersonRow {
  return { employeeCode: null, active: true, templateCount: 1, lastSeen: null, thumbnail: null, ...overrides };
}

export function adminState(overrides: Partial<AdminState> = {}): AdminState {
  return { pinSet: true, unlocked: false, lockedUntil: null, failedAttempts: 0, ...overrides };
}

export function checkIn(overrides: Partial<LiveAttendance> = {}): LiveAttendance {
  const at = new Date(2025, 2, 3, 8, 59).getTime();
  return {
    personId: 1,
    name: 'Alice',
    kind: 'in',
    already: false,
    at,
    previousAt: null,
    attendanceDate: '2025-03-03',
    todayMinutes: null,
    distance: 0.38,
    ...overrides,
  };
}

export function settingsResponse(overrides: Partial<AppSettings> = {}): SettingsResponse {
  const defaults: AppSettings = {
    cameraSource: '0',
    detector: 'ssd',
    matchThreshold: 0.6,
    cooldownMinutes: 5,
    attendanceMode: 'in-out',
    dayBoundary: '04:00',
    retentionDays: 0,
    kioskFullScreen: false,
    adminIdleMinutes: 5,
  };
  return { values: { ...defaults, ...overrides }, defaults, restartRequired: [] };
}
