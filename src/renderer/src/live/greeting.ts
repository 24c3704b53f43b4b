import type { LiveAttendance } from '../../../shared/ipc';
import { clockTime, duration } from '../common/format';

/**
 * What the kiosk's greeting panel says for one attendance push: one sentence
 * ("Good morning, Alice — checked in 08:59"), shown as a large headline and a line under it.
 */
export interface Greeting {
  readonly kind: 'in' | 'out' | 'already';
  readonly personId: number;
  /** "Good morning, Alice". */
  readonly headline: string;
  /** What joins the two parts into one sentence (" — " or " "); not shown, the lines are split. */
  readonly separator: string;
  /** "checked in 08:59". */
  readonly detail: string;
}

function partOfDay(at: number): string {
  const hour = new Date(at).getHours();
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export function greetingFor(event: LiveAttendance): Greeting {
  const { name, personId } = event;
  if (event.already) {
    const headline = `${name}, already ${event.kind === 'in' ? 'checked in' : 'checked out'}`;
    const detail = event.previousAt === null ? 'nothing new recorded' : `at ${clockTime(event.previousAt)}`;
    return { kind: 'already', personId, headline, separator: ' ', detail };
  }
  if (event.kind === 'in') {
    const headline = `${partOfDay(event.at)}, ${name}`;
    return { kind: 'in', personId, headline, separator: ' — ', detail: `checked in ${clockTime(event.at)}` };
  }
  const detail =
    event.todayMinutes === null ? `checked out ${clockTime(event.at)}` : `${duration(event.todayMinutes)} today`;
  return { kind: 'out', personId, headline: `Goodbye, ${name}`, separator: ' — ', detail };
}
