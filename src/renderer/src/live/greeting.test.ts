import { describe, expect, it } from 'vitest';
import { checkIn } from '../testing/fixtures';
import { greetingFor } from './greeting';

const sentenceOf = (greeting: ReturnType<typeof greetingFor>) =>
  `${greeting.headline}${greeting.separator}${greeting.detail}`;

describe('greetingFor', () => {
  it('greets a check-in by the part of the day, with its time', () => {
    expect(sentenceOf(greetingFor(checkIn()))).toBe('Good morning, Alice — checked in 08:59');
    const afternoon = new Date(2025, 2, 3, 13, 5).getTime();
    expect(sentenceOf(greetingFor(checkIn({ at: afternoon })))).toBe('Good afternoon, Alice — checked in 13:05');
    const evening = new Date(2025, 2, 3, 19, 0).getTime();
    expect(greetingFor(checkIn({ at: evening })).headline).toBe('Good evening, Alice');
  });

  it("says goodbye with the day's time at work", () => {
    const out = greetingFor(checkIn({ kind: 'out', todayMinutes: 492 }));
    expect(sentenceOf(out)).toBe('Goodbye, Alice — 8 h 12 min today');
    expect(out.kind).toBe('out');
    expect(greetingFor(checkIn({ kind: 'out', todayMinutes: 45 })).detail).toBe('45 min today');
  });

  it('says when someone already checked in, and when', () => {
    const previousAt = new Date(2025, 2, 3, 8, 59).getTime();
    const already = greetingFor(checkIn({ already: true, previousAt, at: previousAt + 3_600_000 }));
    expect(sentenceOf(already)).toBe('Alice, already checked in at 08:59');
    expect(already.kind).toBe('already');
    expect(greetingFor(checkIn({ kind: 'out', already: true, previousAt })).headline).toBe(
      'Alice, already checked out',
    );
  });
});
