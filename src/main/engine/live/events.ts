/** Events the live loop reports to its user (CLI output, the kiosk's status bar). */

/**
 * The video source's health: 'ok' while frames arrive, 'lost' when a camera or stream stops
 * delivering, 'reconnecting' before each attempt to reopen it, 'ended' when a file is over or the
 * source was given up on (or stopped).
 */
export type SourceState = 'ok' | 'lost' | 'reconnecting' | 'ended';

export interface SourceStatusEvent {
  readonly type: 'status';
  readonly state: SourceState;
  /** The source as shown to people (stream credentials masked). */
  readonly source: string;
  /** Why the state changed, in one sentence. */
  readonly detail?: string;
  readonly at: Date;
}
