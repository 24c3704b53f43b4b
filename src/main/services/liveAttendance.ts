import type { LiveAttendance } from '../../shared/ipc.js';
import { attendanceDay } from '../engine/attendance/attendanceRules.js';
import { readAttendanceSettings, type AttendanceAnnouncement } from '../engine/attendance/attendanceService.js';
import { summariseAttendance } from '../engine/attendance/csvExport.js';
import type { Store } from '../engine/store/index.js';

/**
 * What the kiosk greets, from the attendance service's announcement: for a check-out (stored or
 * "already"), the minutes from the day's first check-in to the last check-out, counted as the CSV
 * summary counts them, so the goodbye and the export agree.
 */
export function kioskAttendance(
  announcement: AttendanceAnnouncement,
  store: Pick<Store, 'attendance' | 'settings'>,
): LiveAttendance {
  let todayMinutes: number | null = null;
  if (announcement.kind === 'out') {
    const { dayBoundary } = readAttendanceSettings(store.settings);
    const day = attendanceDay(announcement.attendanceDate, dayBoundary);
    const events = store.attendance
      .list({ from: day.from, to: day.to, personId: announcement.personId })
      .map((event) => ({ ...event, employeeCode: null }));
    todayMinutes = summariseAttendance(events, dayBoundary)[0]?.totalMinutes ?? null;
  }
  return {
    personId: announcement.personId,
    name: announcement.name,
    kind: announcement.kind,
    already: announcement.already,
    at: announcement.at.getTime(),
    previousAt: announcement.already ? announcement.previousAt.getTime() : null,
    attendanceDate: announcement.attendanceDate,
    todayMinutes,
    distance: announcement.distance,
  };
}
