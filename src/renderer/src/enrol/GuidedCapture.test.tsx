// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAPTURE_PROMPTS, type EnrolCaptureShotResponse } from '../../../shared/ipc';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { person } from '../testing/fixtures';
import { GuidedCapture } from './GuidedCapture';
import { useCapture } from './captureStore';

let fake: FakeClockface;
/** What the next shots answer, in order. */
let answers: ((prompt: EnrolCaptureShotResponse['prompt']) => EnrolCaptureShotResponse)[];

const accepted = (prompt: EnrolCaptureShotResponse['prompt']): EnrolCaptureShotResponse => ({
  accepted: true,
  prompt,
  shotsAccepted: 1,
  thumbnail: 'data:image/jpeg;base64,AA==',
});

beforeEach(() => {
  useCapture.setState(useCapture.getInitialState(), true);
  answers = [];
  fake = installFakeClockface()
    .handle('enrol-capture:start', () => ({ sessionId: 's1', prompts: CAPTURE_PROMPTS, personExists: false }))
    .handle('enrol-capture:shot', ({ prompt }) => {
      const answer = answers.shift();
      if (!answer) throw new Error('no answer prepared');
      return answer(prompt);
    })
    .handle('enrol-capture:finish', ({ save }) => ({
      person: save ? person({ id: 4, name: 'Erin', templateCount: 2 }) : null,
      templatesAdded: save ? 2 : 0,
    }));
});

afterEach(cleanup);

async function startFor(name: string) {
  const user = userEvent.setup();
  render(<GuidedCapture />);
  await user.type(screen.getByLabelText('Name'), name);
  await user.click(screen.getByRole('button', { name: 'Start the camera enrolment' }));
  await screen.findByTestId('guided-capture');
  return user;
}

const dotStates = () =>
  within(screen.getByTestId('capture-dots'))
    .getAllByRole('button')
    .map((dot) => dot.dataset.state);

describe('guided capture', () => {
  it('prompts shot by shot, says what is wrong with a refused shot, and saves the accepted ones', async () => {
    const user = await startFor('Erin');
    expect(fake.requests('enrol-capture:start')).toEqual([{ name: 'Erin', employeeCode: '', force: false }]);
    expect(screen.getByTestId('capture-prompt').textContent).toBe('Look straight at the camera');
    expect(dotStates()).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);

    answers.push((prompt) => ({
      accepted: false,
      prompt,
      reason: 'low-quality',
      reasons: ['face too dark: brightness 31.2 (minimum 40)', 'face too small: 52 px (minimum 80)'],
    }));
    await user.click(screen.getByRole('button', { name: 'Take the shot' }));
    const feedback = await screen.findByTestId('capture-feedback');
    expect(
      within(feedback)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Face too dark: brightness 31.2 (minimum 40)', 'Face too small: 52 px (minimum 80)']);
    // Still the same prompt: it must be shot again.
    expect(screen.getByTestId('capture-prompt').textContent).toBe('Look straight at the camera');
    expect(dotStates()[0]).toBe('rejected');

    answers.push(accepted, accepted);
    await user.click(screen.getByRole('button', { name: 'Take the shot' }));
    expect(screen.getByTestId('capture-prompt').textContent).toBe('Turn your head a little to the left');
    expect(screen.queryByTestId('capture-feedback')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Take the shot' }));
    expect(dotStates()).toEqual(['accepted', 'accepted', 'pending', 'pending', 'pending']);
    expect(fake.requests('enrol-capture:shot').map((request) => request.prompt)).toEqual([
      'straight',
      'straight',
      'left',
    ]);

    await user.click(screen.getByTestId('capture-save'));
    expect(fake.requests('enrol-capture:finish')).toEqual([{ sessionId: 's1', save: true }]);
    expect((await screen.findByTestId('capture-saved')).textContent).toBe('Erin now has 2 templates (2 added).');
  });

  it('offers to start again accepting the match when the face is someone else', async () => {
    const user = await startFor('Erin');
    answers.push((prompt) => ({
      accepted: false,
      prompt,
      reason: 'duplicate-of-another-person',
      reasons: ['the face matches Alice (distance 0.35)'],
    }));
    await user.click(screen.getByRole('button', { name: 'Take the shot' }));

    await user.click(await screen.findByTestId('capture-force'));

    expect(fake.requests('enrol-capture:finish')).toEqual([{ sessionId: 's1', save: false }]);
    expect(fake.requests('enrol-capture:start')[1]).toEqual({ name: 'Erin', employeeCode: '', force: true });
    expect(dotStates()).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
  });

  it('cancels the session when the section is left', async () => {
    await startFor('Erin');
    cleanup();
    expect(fake.requests('enrol-capture:finish')).toEqual([{ sessionId: 's1', save: false }]);
  });
});
