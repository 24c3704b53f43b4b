import { useState } from 'react';
import type { PersonRow } from '../../../shared/ipc';
import { dateTime } from '../common/format';
import { RenameForm } from './RenameForm';
import { usePeople } from './peopleStore';

interface PersonTableRowProps {
  readonly person: PersonRow;
  onDelete(person: PersonRow): void;
}

export function PersonTableRow({ person, onDelete }: PersonTableRowProps) {
  const rename = usePeople((state) => state.rename);
  const [renaming, setRenaming] = useState(false);
  return (
    <tr data-testid="person-row" data-person-id={person.id} data-name={person.name}>
      <td>
        {person.thumbnail ? (
          <img className="thumbnail" src={person.thumbnail} alt={`Face of ${person.name}`} />
        ) : (
          <span className="thumbnail" aria-label="No photo" role="img" />
        )}
      </td>
      <td>
        {renaming ? (
          <RenameForm
            currentName={person.name}
            onRename={(name) => rename(person.id, name)}
            onDone={() => setRenaming(false)}
          />
        ) : (
          <>
            {person.name}
            {!person.active && <span className="muted"> (removed)</span>}
          </>
        )}
      </td>
      <td>{person.employeeCode ?? <span className="muted">—</span>}</td>
      <td className="number">{person.templateCount}</td>
      <td>{person.lastSeen === null ? <span className="muted">never</span> : dateTime(person.lastSeen)}</td>
      <td>
        {person.active && !renaming && (
          <div className="row">
            <button type="button" onClick={() => setRenaming(true)} aria-label={`Rename ${person.name}`}>
              Rename
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => onDelete(person)}
              aria-label={`Delete ${person.name}`}
            >
              Delete
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
