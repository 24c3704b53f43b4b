import { describe, expect, it } from 'vitest';
import { IdentityVoter, VoteInputError, type IdentityReport, type MatchOutcome } from './identityVote.js';

type Outcome = MatchOutcome<string>;

const ada = (distance: number, margin: number | null = 0.2): Outcome => ({ personId: 'ada', distance, margin });
const grace = (distance: number, margin: number | null = 0.2): Outcome => ({ personId: 'grace', distance, margin });
const nobody = (distance = 0.75): Outcome => ({ personId: null, distance, margin: 0.02 });

const GOOD = { ok: true } as const;
const BLURRED = { ok: false, reasons: ['blurred'] } as const;

/**
 * A voter whose matcher answers from a script: each face's descriptor holds the index of its
 * outcome. It counts the matcher's calls, which is what a skipped descriptor saves.
 */
function scripted(options: ConstructorParameters<typeof IdentityVoter>[1] = {}) {
  const outcomes: Outcome[] = [];
  let calls = 0;
  const voter = new IdentityVoter<string>((descriptor) => {
    calls++;
    return outcomes[descriptor[0] as number] as Outcome;
  }, options);
  const show = (trackId: number, outcome: Outcome, at: number, quality: typeof GOOD | typeof BLURRED = GOOD) => {
    outcomes.push(outcome);
    return voter.observe(trackId, { descriptor: Float32Array.of(outcomes.length - 1), quality }, at);
  };
  return { voter, show, calls: () => calls };
}

/** Shows a sequence of outcomes to one track, 100 ms apart from `start`; returns the reports made. */
function showAll(show: ReturnType<typeof scripted>['show'], trackId: number, outcomes: Outcome[], start = 0) {
  return outcomes
    .map((outcome, i) => show(trackId, outcome, start + i * 100))
    .filter((report): report is IdentityReport<string> => report !== null);
}

describe('IdentityVoter', () => {
  it('identifies a person under threshold in 3 of the last 5 results, once, with the median distance', () => {
    const { show, calls } = scripted();
    expect(show(1, ada(0.41), 0)).toBeNull();
    expect(show(1, nobody(), 100)).toBeNull();
    expect(show(1, ada(0.38), 200)).toBeNull();
    expect(show(1, grace(0.52), 300)).toBeNull();
    expect(show(1, ada(0.45), 400)).toEqual({
      type: 'identified',
      trackId: 1,
      personId: 'ada',
      distance: 0.41,
      votes: 3,
      at: 400,
      previous: null,
    });
    // Decided: the next 10 s of faces are neither matched nor reported.
    expect(showAll(show, 1, [ada(0.4), ada(0.4), grace(0.3), grace(0.3), grace(0.3)], 500)).toEqual([]);
    expect(calls()).toBe(5);
  });

  it('decides on the third agreeing result without waiting for five', () => {
    const { show } = scripted();
    const reports = showAll(show, 7, [grace(0.3), grace(0.35), grace(0.5)]);
    expect(reports).toMatchObject([{ type: 'identified', personId: 'grace', distance: 0.35, votes: 3, at: 200 }]);
  });

  it('only counts matches with a margin of at least 0.05 to the runner-up (no runner-up counts)', () => {
    const { show } = scripted();
    // Ada is under threshold, but Grace is only 0.03 farther: a close call votes for nobody.
    expect(showAll(show, 1, [ada(0.4, 0.03), ada(0.4, 0.03), ada(0.4, 0.049), ada(0.4, 0.05), ada(0.4, null)])).toEqual(
      [],
    );
    // The window is now [0.03, 0.049, 0.05, none, 0.06]: three clear votes.
    expect(show(1, ada(0.42, 0.06), 500)).toMatchObject({
      type: 'identified',
      personId: 'ada',
      distance: 0.4,
      votes: 3,
    });
  });

  it('reports an unknown track once, not once per frame, and not again when a re-check agrees', () => {
    const { show, calls } = scripted();
    const frames = Array.from({ length: 250 }, () => nobody());
    // 250 faces over 25 s: decided unknown at 0.2 s, then re-checked (unknown again) at 10.4 and 20.6 s.
    const reports = showAll(show, 3, frames);
    expect(reports).toEqual([{ type: 'unknown', trackId: 3, votes: 3, at: 200, previous: null }]);
    expect(calls()).toBe(3 + 3 + 3);
    // Another track is another face: it gets its own report.
    expect(showAll(show, 4, [nobody(), nobody(), nobody()], 25_000)).toMatchObject([{ type: 'unknown', trackId: 4 }]);
  });

  it('never decides on faces that failed the quality gate, and does not match them', () => {
    const { show, calls } = scripted();
    for (let i = 0; i < 5; i++) expect(show(1, ada(0.3), i * 100, BLURRED)).toBeNull();
    expect(calls()).toBe(0);
    expect(showAll(show, 1, [ada(0.3), ada(0.3)], 500)).toEqual([]);
    expect(show(1, ada(0.3), 700, BLURRED)).toBeNull();
    expect(show(1, ada(0.3), 800)).toMatchObject({ type: 'identified', personId: 'ada', votes: 3 });
  });

  it('ignores faces without a descriptor', () => {
    const { voter, calls } = scripted();
    expect(voter.observe(1, { descriptor: null, quality: GOOD }, 0)).toBeNull();
    expect(calls()).toBe(0);
  });

  it('stays undecided while no outcome reaches 3 votes', () => {
    const { show } = scripted();
    const mixed = [ada(0.4), grace(0.4), nobody(), ada(0.4), grace(0.4), nobody(), grace(0.4), ada(0.4)];
    expect(showAll(show, 1, mixed)).toEqual([]);
  });

  it('re-checks a decided track every 10 s and reports only a change of identity', () => {
    const { voter, show } = scripted();
    expect(showAll(show, 1, [ada(0.4), ada(0.4), ada(0.4)])).toMatchObject([{ personId: 'ada', at: 200 }]);
    expect(voter.wantsDescriptor(1, 10_199)).toBe(false);
    expect(voter.wantsDescriptor(1, 10_200)).toBe(true);
    // The re-check at 10.2 s agrees: no report, and the next re-check is due 10 s after it.
    expect(showAll(show, 1, [ada(0.4), ada(0.4), ada(0.4)], 10_200)).toEqual([]);
    expect(voter.wantsDescriptor(1, 20_399)).toBe(false);
    // At 20.4 s the track shows Grace (the tracker followed the wrong face): the change is reported.
    expect(showAll(show, 1, [grace(0.35), ada(0.5), grace(0.33), grace(0.3)], 20_400)).toEqual([
      {
        type: 'identified',
        trackId: 1,
        personId: 'grace',
        distance: 0.33,
        votes: 3,
        at: 20_700,
        previous: { personId: 'ada' },
      },
    ]);
    // And when a re-check finds nobody, that is a change too.
    expect(showAll(show, 1, [nobody(), nobody(), nobody()], 30_700)).toEqual([
      { type: 'unknown', trackId: 1, votes: 3, at: 30_900, previous: { personId: 'grace' } },
    ]);
    expect(showAll(show, 1, [ada(0.4), ada(0.4), ada(0.4)], 40_900)).toMatchObject([
      { type: 'identified', personId: 'ada', previous: { personId: null } },
    ]);
  });

  it('keeps tracks apart and forgets ended ones', () => {
    const { voter, show } = scripted();
    show(1, ada(0.4), 0);
    show(2, grace(0.4), 0);
    show(1, ada(0.4), 100);
    show(2, grace(0.4), 100);
    expect(show(1, ada(0.4), 200)).toMatchObject({ trackId: 1, personId: 'ada' });
    voter.endTracks([1, 2]);
    // Track 2's two votes are gone with it.
    expect(show(2, grace(0.4), 200)).toBeNull();
    expect(voter.wantsDescriptor(1, 300)).toBe(true);
  });

  it('refuses bad options and bad matcher results with specific errors', () => {
    const refuse = (run: () => unknown, code: string, message: string) => {
      let error: unknown;
      try {
        run();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(VoteInputError);
      expect(error).toMatchObject({ code, message });
    };
    refuse(
      () => scripted({ windowSize: 4, requiredVotes: 2 }),
      'invalid-options',
      'vote options: requiredVotes must be a whole number above half of windowSize (4) and at most windowSize, got 2',
    );
    refuse(
      () => scripted({ minMargin: -1, recheckMs: Number.POSITIVE_INFINITY }),
      'invalid-options',
      'vote options: minMargin must be a number >= 0, got -1; recheckMs must be a number >= 0, got Infinity',
    );
    const { show } = scripted();
    refuse(
      () => show(1, { personId: 'ada', distance: Number.NaN, margin: 0.1 }, 0),
      'invalid-match',
      'the matcher returned distance NaN; expected a number >= 0 or null',
    );
    refuse(
      () => show(1, { personId: 'ada', distance: 0.4, margin: -0.1 }, 0),
      'invalid-match',
      'the matcher returned margin -0.1; expected a number >= 0 or null',
    );
    refuse(
      () => show(1, { personId: 'ada', distance: null, margin: null }, 0),
      'invalid-match',
      'the matcher named person ada without a distance',
    );
    // An empty gallery (no distance at all) is simply unknown.
    expect(
      showAll(
        show,
        2,
        [0, 1, 2].map(() => ({ personId: null, distance: null, margin: null })),
      ),
    ).toMatchObject([{ type: 'unknown', trackId: 2 }]);
  });
});
