// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportFileResult, PeopleImportFolderRequest, PeopleImportFolderResponse } from '../../../shared/ipc';
import { connectProgress, useProgress } from '../progress/progressStore';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { PhotoImport } from './PhotoImport';
import { useImport } from './importStore';

let fake: FakeClockface;
let disconnect: () => void;

const results: ImportFileResult[] = [
  { person: 'alice', file: '/data/people/alice/1.jpg', ok: true, templateId: 11 },
  {
    person: 'bob',
    file: '/data/people/bob/1.jpg',
    ok: false,
    reason: 'duplicate-of-another-person',
    message: 'the face matches alice (distance 0.41)',
  },
  {
    person: 'bob',
    file: '/data/people/bob/2.jpg',
    ok: false,
    reason: 'no-face',
    // As main words it: the path first.
    message: '/data/people/bob/2.jpg: no face found',
  },
];

beforeEach(() => {
  useImport.setState(useImport.getInitialState(), true);
  useProgress.setState(useProgress.getInitialState(), true);
  fake = installFakeClockface();
  disconnect = connectProgress();
});

afterEach(() => {
  cleanup();
  disconnect();
});

const progressBar = () => screen.getByRole('progressbar', { name: 'Importing the folder' });

describe('photo import', () => {
  it('shows a folder import progressing push by push, then every file with its outcome', async () => {
    let finish: (response: PeopleImportFolderResponse) => void = () => {};
    fake
      .handle('dialog:open-folder', () => ({ path: '/data/people' }))
      .handle('people:import-folder', () => new Promise((resolve) => (finish = resolve)));
    const user = userEvent.setup();
    render(<PhotoImport />);

    await user.click(screen.getByTestId('choose-folder'));
    const [request] = fake.requests('people:import-folder') as PeopleImportFolderRequest[];
    expect(request?.folder).toBe('/data/people');
    const operationId = request?.operationId ?? '';
    expect(operationId).not.toBe('');
    expect(progressBar().getAttribute('aria-valuenow')).toBe('0');

    // Another operation's progress is not this import's.
    act(() => fake.push('progress', { operationId: 'other', done: 5, total: 9, file: '/x.jpg', result: null }));
    expect(progressBar().getAttribute('aria-valuenow')).toBe('0');

    for (const [index, result] of results.entries()) {
      act(() => fake.push('progress', { operationId, done: index + 1, total: 3, file: result.file, result }));
    }
    const bar = progressBar();
    expect([bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemax')]).toEqual(['3', '3']);
    expect(screen.getByText('/data/people/bob/2.jpg')).toBeTruthy();
    expect(screen.getAllByTestId('import-result').map((row) => row.dataset.ok)).toEqual(['true', 'false', 'false']);
    expect((screen.getByTestId('choose-folder') as HTMLButtonElement).disabled).toBe(true);

    await act(async () =>
      finish({
        operationId,
        enrolled: 1,
        rejected: 2,
        people: [
          { name: 'alice', enrolled: 1, rejected: 0 },
          { name: 'bob', enrolled: 0, rejected: 2 },
        ],
        results,
      }),
    );

    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByTestId('import-summary').textContent).toBe('1 of 3 photos enrolled for 2 people.');
    const rows = screen.getAllByTestId('import-result').map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
    // The file's name once, in its column; the reason without the path.
    expect(rows).toEqual([
      ['alice', '1.jpg', 'Enrolled'],
      ['bob', '1.jpg', 'The face matches alice (distance 0.41)'],
      ['bob', '2.jpg', 'No face found'],
    ]);
    // The pushes of a finished import are not kept.
    expect(useProgress.getState().operations).toEqual({ other: expect.anything() });
  });

  it('warns about a photo that matches someone else and enrols it with force on request', async () => {
    fake
      .handle('dialog:open-folder', () => ({ path: '/data/people' }))
      .handle('people:import-folder', ({ operationId }) => ({
        operationId,
        enrolled: 1,
        rejected: 2,
        people: [],
        results,
      }))
      .handle('people:enrol-files', ({ paths }) => ({
        person: null,
        results: paths.map((file) => ({ file, ok: true as const, templateId: 12 })),
      }));
    const user = userEvent.setup();
    render(<PhotoImport />);

    await user.click(screen.getByTestId('choose-folder'));
    const warning = await screen.findByTestId('duplicate-warning');
    expect(warning.textContent).toContain('One photo matches someone else already enrolled');

    await user.click(within(warning).getByRole('button', { name: 'Enrol it anyway' }));

    const [forced] = fake.requests('people:enrol-files');
    expect(forced).toMatchObject({ name: 'bob', paths: ['/data/people/bob/1.jpg'], force: true });
    expect(screen.queryByTestId('duplicate-warning')).toBeNull();
    expect(screen.getAllByTestId('import-result').map((row) => row.dataset.ok)).toEqual(['true', 'true', 'false']);
    expect(screen.getByTestId('import-summary').textContent).toBe(
      '1 of 1 photo enrolled despite the match; 2 of 3 photos enrolled in all.',
    );
  });

  it('enrols chosen photos for the named person, and does nothing when the dialog is cancelled', async () => {
    let chosen: string[] = [];
    fake
      .handle('dialog:open-images', () => ({ paths: chosen }))
      .handle('people:enrol-files', ({ paths }) => ({
        person: null,
        results: paths.map((file) => ({ file, ok: true as const, templateId: 1 })),
      }));
    const user = userEvent.setup();
    render(<PhotoImport />);
    const choose = screen.getByTestId('choose-photos') as HTMLButtonElement;
    expect(choose.disabled).toBe(true);

    await user.type(screen.getByLabelText('Name'), ' Dana ');
    await user.type(screen.getByLabelText('Employee code (optional)'), 'E-9');
    await user.click(choose);
    expect(fake.requests('people:enrol-files')).toEqual([]);
    expect(screen.queryByTestId('import-run')).toBeNull();

    chosen = ['/photos/d1.jpg', '/photos/d2.jpg'];
    await user.click(choose);
    expect(fake.requests('people:enrol-files')).toEqual([
      { name: 'Dana', employeeCode: 'E-9', paths: chosen, operationId: expect.stringMatching(/^photos-/) },
    ]);
    expect((await screen.findByTestId('import-summary')).textContent).toBe('2 of 2 photos enrolled for Dana.');
  });

  it('shows why an import failed', async () => {
    fake
      .handle('dialog:open-folder', () => ({ path: '/nowhere' }))
      .handle('people:import-folder', () => {
        throw new Error('/nowhere: folder not found');
      });
    const user = userEvent.setup();
    render(<PhotoImport />);
    await user.click(screen.getByTestId('choose-folder'));
    expect((await screen.findByRole('alert')).textContent).toBe('/nowhere: folder not found');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
