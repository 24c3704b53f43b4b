import type { EpochMs, LocalDate } from '../../../shared/ipc';

/** Main's messages start in lower case ("wrong PIN: 3 tries left"); the screen shows them as sentences. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** "08:59": 24-hour local time, the same on every locale so a kiosk reads the same everywhere. */
export function clockTime(at: EpochMs | Date): string {
  const date = new Date(at);
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
}

/** "8 h 12 min", or "12 min" under an hour. */
export function duration(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  const hours = Math.floor(whole / 60);
  return hours > 0 ? `${hours} h ${whole % 60} min` : `${whole} min`;
}

/** The local calendar date "YYYY-MM-DD". */
export function localDate(at: EpochMs | Date): LocalDate {
  const date = new Date(at);
  return `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
}

/** How a date is written everywhere in the app (and taken by main): "YYYY-MM-DD". */
export const LOCAL_DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a calendar day written "YYYY-MM-DD", as main takes dates. */
export function isLocalDate(text: string): boolean {
  if (!LOCAL_DATE_FORMAT.test(text)) return false;
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  // Date rolls an impossible day over (2025-02-30 becomes March 2nd): such a date does not come back the same.
  return localDate(new Date(year, month - 1, day)) === text;
}

/** The local date `days` after (or before, when negative) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return localDate(new Date(year, month - 1, day + days));
}

/** "2025-03-01 08:59". */
export function dateTime(at: EpochMs): string {
  return `${localDate(at)} ${clockTime(at)}`;
}
