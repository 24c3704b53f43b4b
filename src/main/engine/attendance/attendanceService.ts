import { defineSetting, StoreError, type SettingsRepository, type Store } from '../store/index.js';
import {
  attendanceDayOf,
  attendanceModeSchema,
  cooldownMinutesSchema,
  dayBoundarySchema,
  decideAttendance,
  DEFAULT_ATTENDANCE_SETTINGS,
  formatClockTime,
  type AttendanceEventKind,
  type AttendanceSettings,
} from './attendanceRules.js';

/** 'in-out' (default): first recognition of the day checks in, later ones check out; 'in-only': check-ins only. */
export const ATTENDANCE_MODE = defineSetting('attendance.mode', attendanceModeSchema, DEFAULT_ATTENDANCE_SETTINGS.mode);
/** Minutes after an event during which a recognition writes nothing; default 5. */
export const ATTENDANCE_COOLDOWN_MINUTES = defineSetting(
  'attendance.cooldownMinutes',
  cooldownMinutesSchema,
  DEFAULT_ATTENDANCE_SETTINGS.cooldownMinutes,
);
/** Local "HH:MM" when an attendance day starts; default "04:00". */
export const ATTENDANCE_DAY_BOUNDARY = defineSetting(
  'attendance.dayBoundary',
  dayBoundarySchema,
  DEFAULT_ATTENDANCE_SETTINGS.dayBoundary,
);

export function readAttendanceSettings(settings: SettingsRepository): AttendanceSettings {
  return {
    mode: settings.get(ATTENDANCE_MODE),
    cooldownMinutes: settings.get(ATTENDANCE_COOLDOWN_MINUTES),
    dayBoundary: settings.get(ATTENDANCE_DAY_BOUNDARY),
  };
}

interface AnnouncementBase {
  readonly type: 'attendance';
  readonly personId: number;
  readonly name: string;
  readonly kind: AttendanceEventKind;
  /** The match distance that recognised the person; null for a manual entry. */
  readonly distance: number | null;
  /** The attendance day ("YYYY-MM-DD") the recognition belongs to. */
  readonly attendanceDate: string;
}

/** What the kiosk announces: an event that is already stored, or why nothing was stored. */
export type AttendanceAnnouncement =
  | (AnnouncementBase & {
      readonly already: false;
      /** When the event happened: its stored time. */
      readonly at: Date;
      readonly eventId: number;
    })
  | (AnnouncementBase & {
      readonly already: true;
      /** When the person was recognised (nothing was stored). */
      readonly at: Date;
      /** When they were checked in (or out), as stored. */
      readonly previousAt: Date;
    });

export interface AttendanceService {
  /**
   * Applies the attendance rules to a recognition of `personId`. A check-in or check-out is
   * committed to the database before this returns, so whatever is announced is already durable;
   * when the store fails (locked, disk full, person removed) its StoreError is thrown and nothing
   * is announced.
   */
  recordRecognition(personId: number, distance: number | null): AttendanceAnnouncement;
}

export interface AttendanceServiceOptions {
  readonly now?: () => Date;
  /** What the events say recorded them; default 'kiosk'. */
  readonly source?: string;
}

export function createAttendanceService(
  store: Pick<Store, 'people' | 'attendance' | 'settings' | 'transaction'>,
  options: AttendanceServiceOptions = {},
): AttendanceService {
  const now = options.now ?? (() => new Date());
  const source = options.source ?? 'kiosk';

  /** The person and what recognising them at `at` does, from what is committed now. */
  const decide = (personId: number, at: Date) => {
    const person = store.people.get(personId);
    if (!person) throw new StoreError('person-not-found', `no person with id ${personId}`);
    if (!person.active) {
      throw new StoreError(
        'person-removed',
        `"${person.name}" (person ${person.id}) was removed; attendance was not recorded`,
      );
    }
    // Settings are read per recognition so that a change in the admin screen applies at once.
    const settings = readAttendanceSettings(store.settings);
    const day = attendanceDayOf(at, settings.dayBoundary);
    const events = store.attendance.list({ from: day.from, to: day.to, personId });
    return { person, day, decision: decideAttendance(events, at, settings) };
  };

  return {
    recordRecognition: (personId, distance) => {
      const at = now();
      /** Writes the decided event (nothing for "already") and says what to announce. */
      const carryOut = ({ person, day, decision }: ReturnType<typeof decide>): AttendanceAnnouncement => {
        const base = { type: 'attendance', personId, name: person.name, distance, attendanceDate: day.date } as const;
        if (decision.action === 'already') {
          return { ...base, kind: decision.kind, already: true, at, previousAt: decision.previousAt };
        }
        const event = store.attendance.record({ personId, occurredAt: at, kind: decision.kind, distance, source });
        return { ...base, kind: event.kind, already: false, at: event.occurredAt, eventId: event.id };
      };
      // Events are only ever added, and an added event never turns "already" into a write, so that
      // answer needs no lock: someone lingering at the kiosk is answered even while another writes.
      const seen = decide(personId, at);
      if (seen.decision.action === 'already') return carryOut(seen);
      // Deciding to write: decide again under the write lock, so that a check-in another kiosk (or
      // process) committed since the read above is seen, and the person is never checked in twice.
      return store.transaction(() => carryOut(decide(personId, at)));
    },
  };
}

/** The sentence the kiosk shows: "Ada, checked in at 08:59", "Ada, already checked in at 08:59". */
export function describeAnnouncement(announcement: AttendanceAnnouncement): string {
  const what = announcement.kind === 'in' ? 'checked in' : 'checked out';
  return announcement.already
    ? `${announcement.name}, already ${what} at ${formatClockTime(announcement.previousAt)}`
    : `${announcement.name}, ${what} at ${formatClockTime(announcement.at)}`;
}
