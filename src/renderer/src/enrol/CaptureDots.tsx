import type { CapturePrompt } from '../../../shared/ipc';
import type { ShotOutcome } from './captureStore';

export const PROMPT_LABELS: Readonly<Record<CapturePrompt, string>> = {
  straight: 'straight',
  left: 'a little left',
  right: 'a little right',
  up: 'a little up',
  down: 'a little down',
};

interface CaptureDotsProps {
  readonly prompts: readonly CapturePrompt[];
  readonly current: CapturePrompt | null;
  readonly shots: Partial<Readonly<Record<CapturePrompt, ShotOutcome>>>;
  onChoose(prompt: CapturePrompt): void;
  readonly disabled: boolean;
}

/** One dot per shot: empty, taken (with its face), or refused; choosing one retakes that shot. */
export function CaptureDots({ prompts, current, shots, onChoose, disabled }: CaptureDotsProps) {
  return (
    <ol className="capture-dots" aria-label="Shots" data-testid="capture-dots">
      {prompts.map((prompt) => {
        const shot = shots[prompt];
        const state = shot === undefined ? 'pending' : shot.accepted ? 'accepted' : 'rejected';
        return (
          <li key={prompt}>
            <button
              type="button"
              className={`capture-dot capture-dot-${state}`}
              aria-current={prompt === current ? 'step' : undefined}
              aria-label={`Shot ${PROMPT_LABELS[prompt]}: ${state}`}
              disabled={disabled}
              onClick={() => onChoose(prompt)}
              data-state={state}
            >
              {shot?.accepted ? <img src={shot.thumbnail} alt="" /> : <span aria-hidden="true">●</span>}
            </button>
            <span className="capture-dot-label">{PROMPT_LABELS[prompt]}</span>
          </li>
        );
      })}
    </ol>
  );
}
