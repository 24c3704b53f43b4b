import { useEffect, useState } from 'react';
import type { PersonRow } from '../../../shared/ipc';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { useNavigation } from '../navigation/navigationStore';
import { PersonTableRow } from './PersonTableRow';
import { usePeople } from './peopleStore';

export function PeoplePanel() {
  const { people, loading, includeRemoved, error, notice, load, showRemoved, remove } = usePeople();
  const showTab = useNavigation((state) => state.showTab);
  const [deleting, setDeleting] = useState<PersonRow | null>(null);
  const [removing, setRemoving] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="stack">
      <div className="row panel-header">
        <h2>People</h2>
        <button type="button" className="primary" onClick={() => showTab('enrol')} data-testid="add-person">
          Add person
        </button>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeRemoved}
            onChange={(event) => void showRemoved(event.target.checked)}
          />
          Show removed people
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status" data-testid="people-notice">
          {notice}
        </p>
      )}
      <table data-testid="people-table" aria-busy={loading}>
        <thead>
          <tr>
            <th>
              <span className="visually-hidden">Photo</span>
            </th>
            <th>Name</th>
            <th>Employee code</th>
            <th className="number">Templates</th>
            <th>Last seen</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => (
            <PersonTableRow key={person.id} person={person} onDelete={setDeleting} />
          ))}
        </tbody>
      </table>
      {!loading && people.length === 0 && <p className="muted">Nobody is enrolled yet: add a person to start.</p>}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel={`Delete ${deleting.name}`}
          busy={removing}
          testId="delete-dialog"
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            setRemoving(true);
            await remove(deleting.id);
            setRemoving(false);
            setDeleting(null);
          }}
        >
          <p>
            {deleting.name}&apos;s {deleting.templateCount} face template{deleting.templateCount === 1 ? '' : 's'} and
            thumbnail are deleted too, and the kiosk stops recognising them. Attendance already recorded keeps their
            name.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
