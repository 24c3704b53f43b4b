import type { ImportFileResult } from '../../../shared/ipc';
import { sentence } from '../common/format';

/** The last part of a path, whichever separator the machine uses. */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Why a photo was refused, without the path the Photo column already names (main's messages start with it). */
function refusal(file: string, message: string): string {
  return sentence(message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message);
}

export function ImportResults({ results }: { readonly results: readonly ImportFileResult[] }) {
  if (results.length === 0) return null;
  return (
    <table className="import-results" data-testid="import-results">
      <colgroup>
        <col className="import-results-person" />
        <col className="import-results-photo" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th>Person</th>
          <th>Photo</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {results.map((result, index) => (
          <tr key={`${index}-${result.file}`} data-testid="import-result" data-ok={result.ok}>
            <td>{result.person}</td>
            <td title={result.file}>{fileName(result.file)}</td>
            <td className={result.ok ? 'notice' : 'error'}>
              {result.ok ? 'Enrolled' : refusal(result.file, result.message)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
