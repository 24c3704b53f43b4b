// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PersonRow } from '../../../shared/ipc';
import { useNavigation } from '../navigation/navigationStore';
import { installFakeClockface, type FakeClockface } from '../testing/fakeClockface';
import { person } from '../testing/fixtures';
import { PeoplePanel } from './PeoplePanel';
import { usePeople } from './peopleStore';

let fake: FakeClockface;
let people: PersonRow[];

beforeEach(() => {
  usePeople.setState(usePeople.getInitialState(), true);
  people = [
    person({
      id: 1,
      name: 'Alice',
      employeeCode: 'E-001',
      templateCount: 5,
      lastSeen: new Date(2025, 2, 3, 8, 59).getTime(),
    }),
    person({ id: 2, name: 'Bob', templateCount: 3 }),
  ];
  fake = installFakeClockface().handle('people:list', () => people);
});

afterEach(cleanup);

function row(name: string): HTMLElement {
  const found = screen.getAllByTestId('person-row').find((element) => element.dataset.name === name);
  if (!found) throw new Error(`no row for ${name}`);
  return found;
}

describe('people panel', () => {
  it('lists each person with their code, templates and last time seen', async () => {
    render(<PeoplePanel />);
    const rows = await screen.findAllByTestId('person-row');
    expect(rows.map((element) => element.dataset.name)).toEqual(['Alice', 'Bob']);
    const cells = within(rows[0] as HTMLElement)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(1, 5)).toEqual(['Alice', 'E-001', '5', '2025-03-03 08:59']);
    expect(within(rows[1] as HTMLElement).getAllByRole('cell')[4]?.textContent).toBe('never');
  });

  it('renames inline, and shows why a name is refused', async () => {
    fake.handle('people:rename', ({ personId, name }) => {
      if (name === 'Bob') throw new Error('someone called "Bob" is already enrolled');
      const renamed = { ...(people.find((p) => p.id === personId) as PersonRow), name };
      people = people.map((p) => (p.id === personId ? renamed : p));
      return renamed;
    });
    const user = userEvent.setup();
    render(<PeoplePanel />);

    await user.click(await screen.findByRole('button', { name: 'Rename Alice' }));
    const input = screen.getByLabelText('New name for Alice');
    await user.clear(input);
    await user.type(input, 'Bob{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('Someone called "Bob" is already enrolled');
    expect(input.getAttribute('aria-invalid')).toBe('true');

    await user.clear(input);
    await user.type(input, 'Alicia{Enter}');
    expect(await screen.findByText('Alicia')).toBeTruthy();
    expect(screen.queryByLabelText('New name for Alice')).toBeNull();
    expect(fake.requests('people:rename')).toEqual([
      { personId: 1, name: 'Bob' },
      { personId: 1, name: 'Alicia' },
    ]);

    // Escape leaves the name as it was.
    await user.click(screen.getByRole('button', { name: 'Rename Bob' }));
    await user.type(screen.getByLabelText('New name for Bob'), 'by{Escape}');
    expect(screen.queryByLabelText('New name for Bob')).toBeNull();
    expect(fake.requests('people:rename')).toHaveLength(2);
  });

  it('deletes only after a confirmation that says the templates and thumbnail go too', async () => {
    fake.handle('people:remove', ({ personId }) => {
      people = people.filter((p) => p.id !== personId);
      return { personId, name: 'Bob', outcome: 'deleted', templatesDeleted: 3 };
    });
    const user = userEvent.setup();
    render(<PeoplePanel />);

    await user.click(await screen.findByRole('button', { name: 'Delete Bob' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Bob?' });
    expect(within(dialog).getByText(/Bob's 3 face templates and thumbnail are deleted too/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Delete Bob' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.requests('people:remove')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Delete Bob' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete Bob' }));
    expect((await screen.findByTestId('people-notice')).textContent).toBe(
      'Bob was deleted with 3 templates and the thumbnail.',
    );
    expect(fake.requests('people:remove')).toEqual([{ personId: 2 }]);
    expect(screen.getAllByTestId('person-row').map((element) => element.dataset.name)).toEqual(['Alice']);
  });

  it('lists removed people on request, without actions', async () => {
    fake.handle('people:list', (request) =>
      request?.includeRemoved ? [...people, person({ id: 3, name: 'Carol', active: false })] : people,
    );
    const user = userEvent.setup();
    render(<PeoplePanel />);
    await screen.findAllByTestId('person-row');

    await user.click(screen.getByLabelText('Show removed people'));

    expect(await screen.findByText('(removed)')).toBeTruthy();
    expect(row('Carol').querySelectorAll('button')).toHaveLength(0);
  });

  it('"Add person" opens the Enrol section', async () => {
    const user = userEvent.setup();
    render(<PeoplePanel />);
    await user.click(screen.getByTestId('add-person'));
    expect(useNavigation.getState().adminTab).toBe('enrol');
  });
});
