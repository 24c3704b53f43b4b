import type { ObservationQuality } from './tracker.js';

/**
 * Decides who a tracked face is by voting over its recent match results, so that one lucky or
 * unlucky frame never checks anybody in.
 *
 * Each frame where the face passed the quality gate and has a descriptor is matched; the result
 * joins the track's window of the last `windowSize` results. A result votes for person P when the
 * matcher put P under its threshold with a margin of at least `minMargin` to the runner-up (or no
 * runner-up at all), and votes "unknown" when the matcher found nobody under its threshold; a close
 * call between two people votes for neither. When `requiredVotes` results agree (a strict majority,
 * so two outcomes can never both win), the track is decided and the window starts afresh.
 *
 * A decided track is left alone (its faces are not matched) for `recheckMs`; after that it is voted
 * on again, and a report is made only when the new decision differs. So an unknown visitor is
 * reported once, not once per frame, and a track is reported once per identity it is decided as.
 */

/** What the matcher (match/nearest) says about one descriptor. */
export interface MatchOutcome<Id> {
  /** The closest person under the threshold, or null for nobody. */
  readonly personId: Id | null;
  /** Distance to the closest template; null only when there is nothing to match against. */
  readonly distance: number | null;
  /** How much farther the runner-up person is; null when there is no runner-up. */
  readonly margin: number | null;
}

export type Matcher<Id> = (descriptor: Float32Array) => MatchOutcome<Id>;

export interface VoteOptions {
  /** How many recent results a track keeps. */
  readonly windowSize: number;
  /** How many of them must agree for a decision; more than half of `windowSize`. */
  readonly requiredVotes: number;
  /** A match counts only when the runner-up person is at least this much farther away. */
  readonly minMargin: number;
  /** How long a decision stands before the track is voted on again. */
  readonly recheckMs: number;
}

export const DEFAULT_VOTE_OPTIONS: VoteOptions = {
  windowSize: 5,
  requiredVotes: 3,
  minMargin: 0.05,
  recheckMs: 10_000,
};

/** A track's decided identity changed: the first decision, or a re-vote that disagrees with the last one. */
export type IdentityReport<Id> =
  | {
      readonly type: 'identified';
      readonly trackId: number;
      readonly personId: Id;
      /** The median distance of the results that voted for the person. */
      readonly distance: number;
      readonly votes: number;
      readonly at: number;
      /** The previous decision of this track (null personId: it was unknown), or null for its first. */
      readonly previous: { readonly personId: Id | null } | null;
    }
  | {
      readonly type: 'unknown';
      readonly trackId: number;
      readonly votes: number;
      readonly at: number;
      readonly previous: { readonly personId: Id | null } | null;
    };

export type VoteInputErrorCode = 'invalid-options' | 'invalid-match';

export class VoteInputError extends Error {
  constructor(
    readonly code: VoteInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VoteInputError';
  }
}

type Ballot<Id> =
  | { readonly kind: 'person'; readonly personId: Id; readonly distance: number }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'ambiguous' };

type Winner<Id> =
  | { readonly personId: Id; readonly votes: number; readonly distance: number }
  | { readonly personId: null; readonly votes: number };

interface TrackVote<Id> {
  ballots: Ballot<Id>[];
  decided: { readonly personId: Id | null; readonly at: number } | null;
}

export class IdentityVoter<Id extends string | number> {
  private readonly options: VoteOptions;
  private readonly tracks = new Map<number, TrackVote<Id>>();

  constructor(
    private readonly match: Matcher<Id>,
    options: Partial<VoteOptions> = {},
  ) {
    this.options = checkOptions({ ...DEFAULT_VOTE_OPTIONS, ...options });
  }

  /**
   * Whether a face of this track would be matched at time `at`: false while a decision stands, so
   * the live loop may skip computing its descriptor.
   */
  wantsDescriptor(trackId: number, at: number): boolean {
    const decided = this.tracks.get(trackId)?.decided;
    return !decided || at - decided.at >= this.options.recheckMs;
  }

  /**
   * One face of track `trackId` at time `at` (milliseconds). Faces that failed the quality gate or
   * have no descriptor are ignored. Returns a report when the track's decided identity changed.
   */
  observe(
    trackId: number,
    face: { readonly descriptor: Float32Array | null; readonly quality: ObservationQuality },
    at: number,
  ): IdentityReport<Id> | null {
    if (!face.quality.ok || face.descriptor === null || !this.wantsDescriptor(trackId, at)) return null;
    const track = this.trackOf(trackId);
    track.ballots.push(toBallot(this.match(face.descriptor), this.options.minMargin));
    if (track.ballots.length > this.options.windowSize) track.ballots.shift();
    const winner = this.count(track.ballots);
    if (!winner) return null;
    const previous = track.decided;
    track.decided = { personId: winner.personId, at };
    track.ballots = [];
    if (previous && previous.personId === winner.personId) return null;
    const before = previous && { personId: previous.personId };
    return 'distance' in winner
      ? {
          type: 'identified',
          trackId,
          personId: winner.personId,
          distance: winner.distance,
          votes: winner.votes,
          at,
          previous: before,
        }
      : { type: 'unknown', trackId, votes: winner.votes, at, previous: before };
  }

  /** Forgets ended tracks (TrackerFrame.ended). */
  endTracks(trackIds: readonly number[]): void {
    for (const id of trackIds) this.tracks.delete(id);
  }

  private trackOf(trackId: number): TrackVote<Id> {
    let track = this.tracks.get(trackId);
    if (!track) {
      track = { ballots: [], decided: null };
      this.tracks.set(trackId, track);
    }
    return track;
  }

  private count(ballots: readonly Ballot<Id>[]): Winner<Id> | null {
    const { requiredVotes } = this.options;
    const unknown = ballots.filter((ballot) => ballot.kind === 'unknown').length;
    if (unknown >= requiredVotes) return { personId: null, votes: unknown };
    const distances = new Map<Id, number[]>();
    for (const ballot of ballots) {
      if (ballot.kind !== 'person') continue;
      const list = distances.get(ballot.personId) ?? [];
      list.push(ballot.distance);
      distances.set(ballot.personId, list);
    }
    for (const [personId, list] of distances) {
      if (list.length >= requiredVotes) return { personId, votes: list.length, distance: median(list) };
    }
    return null;
  }
}

function toBallot<Id>(outcome: MatchOutcome<Id>, minMargin: number): Ballot<Id> {
  const { personId, distance, margin } = outcome;
  if (distance !== null && !(Number.isFinite(distance) && distance >= 0)) {
    throw new VoteInputError(
      'invalid-match',
      `the matcher returned distance ${distance}; expected a number >= 0 or null`,
    );
  }
  if (margin !== null && !(Number.isFinite(margin) && margin >= 0)) {
    throw new VoteInputError('invalid-match', `the matcher returned margin ${margin}; expected a number >= 0 or null`);
  }
  if (personId === null) return { kind: 'unknown' };
  if (distance === null) {
    throw new VoteInputError('invalid-match', `the matcher named person ${String(personId)} without a distance`);
  }
  return margin === null || margin >= minMargin ? { kind: 'person', personId, distance } : { kind: 'ambiguous' };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function checkOptions(options: VoteOptions): VoteOptions {
  const { windowSize, requiredVotes, minMargin, recheckMs } = options;
  const problems = [
    !(Number.isInteger(windowSize) && windowSize >= 1) && `windowSize must be a whole number >= 1, got ${windowSize}`,
    !(Number.isInteger(requiredVotes) && requiredVotes > windowSize / 2 && requiredVotes <= windowSize) &&
      `requiredVotes must be a whole number above half of windowSize (${windowSize}) and at most windowSize, got ${requiredVotes}`,
    !(minMargin >= 0 && Number.isFinite(minMargin)) && `minMargin must be a number >= 0, got ${minMargin}`,
    !(recheckMs >= 0 && Number.isFinite(recheckMs)) && `recheckMs must be a number >= 0, got ${recheckMs}`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) throw new VoteInputError('invalid-options', `vote options: ${problems.join('; ')}`);
  return options;
}
