import { useEffect } from 'react';
import type { CapturePrompt } from '../../../shared/ipc';
import { sentence } from '../common/format';
import { LivePreview } from '../live/LivePreview';
import { CaptureDots } from './CaptureDots';
import { CaptureStartForm } from './CaptureStartForm';
import { acceptedShots, useCapture } from './captureStore';

const INSTRUCTIONS: Readonly<Record<CapturePrompt, string>> = {
  straight: 'Look straight at the camera',
  left: 'Turn your head a little to the left',
  right: 'Turn your head a little to the right',
  up: 'Tilt your head a little up',
  down: 'Tilt your head a little down',
};

/** Five shots from the live camera, each checked by main before it counts. */
export function GuidedCapture() {
  const { session, current, shots, busy, error, saved, start, shoot, choose, finish, restartAllowingDuplicates } =
    useCapture();

  // Leaving the section cancels a session in progress: nothing half-done is kept.
  useEffect(() => () => void useCapture.getState().finish(false), []);

  if (!session) {
    return (
      <div className="stack">
        <h3>From the camera</h3>
        <CaptureStartForm busy={busy} onStart={(request) => void start(request)} />
        {saved && (
          <p className="notice" role="status" data-testid="capture-saved">
            {saved.person
              ? `${saved.person.name} now has ${saved.person.templateCount} templates (${saved.templatesAdded} added).`
              : 'Nothing was saved.'}
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }

  const shot = current ? shots[current] : undefined;
  const taken = acceptedShots(shots);
  const allTaken = taken === session.prompts.length;
  return (
    <div className="stack guided-capture" data-testid="guided-capture">
      <h3>
        Enrolling {session.request.name}
        {session.personExists && <span className="muted"> (adding to the existing person)</span>}
      </h3>
      <div className="capture-preview">
        <LivePreview label="Camera picture for the enrolment shots" />
      </div>
      <p className="capture-prompt" aria-live="polite" data-testid="capture-prompt">
        {allTaken ? 'All five shots are taken: save them.' : current && INSTRUCTIONS[current]}
      </p>
      <CaptureDots prompts={session.prompts} current={current} shots={shots} onChoose={choose} disabled={busy} />
      {shot && !shot.accepted && (
        <div className="warning" role="alert" data-testid="capture-feedback" data-reason={shot.reason}>
          <strong>The shot was not accepted:</strong>
          <ul>
            {shot.reasons.map((reason) => (
              <li key={reason}>{sentence(reason)}</li>
            ))}
          </ul>
          {shot.reason === 'duplicate-of-another-person' && !session.request.force && (
            <button type="button" onClick={() => void restartAllowingDuplicates()} data-testid="capture-force">
              Start again, accepting the match
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="primary capture-shoot"
          onClick={() => void shoot()}
          disabled={busy || allTaken}
        >
          {busy ? 'Checking…' : 'Take the shot'}
        </button>
        <button
          type="button"
          onClick={() => void finish(true)}
          disabled={busy || taken === 0}
          data-testid="capture-save"
        >
          Save {taken} shot{taken === 1 ? '' : 's'}
        </button>
        <button type="button" onClick={() => void finish(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
