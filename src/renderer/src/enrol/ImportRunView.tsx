import { ProgressBar } from '../common/ProgressBar';
import { useProgress } from '../progress/progressStore';
import { ImportResults } from './ImportResults';
import { isDuplicate, useImport } from './importStore';

/** The running or last import: its progress, its outcome per photo, and what to do about duplicates. */
export function ImportRunView() {
  const run = useImport((state) => state.run);
  const enrolDuplicatesAnyway = useImport((state) => state.enrolDuplicatesAnyway);
  const progress = useProgress((state) => (run ? state.operations[run.operationId] : undefined));
  if (!run) return null;

  // While the run is under way its results arrive one 'progress' push at a time.
  const results = run.running && run.kind !== 'force' ? (progress?.results ?? []) : (run.results ?? []);
  const duplicates = run.running ? 0 : results.filter(isDuplicate).length;
  return (
    <div className="stack" data-testid="import-run">
      {run.running && (
        <ProgressBar
          label={run.kind === 'folder' ? 'Importing the folder' : 'Enrolling photos'}
          done={progress?.done ?? 0}
          total={progress?.total ?? 0}
          detail={progress?.file}
          testId="import-progress"
        />
      )}
      {run.summary && (
        <p className="notice" role="status" data-testid="import-summary">
          {run.summary}
        </p>
      )}
      {run.error && (
        <p className="error" role="alert">
          {run.error}
        </p>
      )}
      {duplicates > 0 && (
        <div className="warning" role="alert" data-testid="duplicate-warning">
          <p>
            {duplicates === 1 ? 'One photo matches' : `${duplicates} photos match`} someone else already enrolled, so{' '}
            {duplicates === 1 ? 'it was' : 'they were'} not enrolled. If the person really is who the folder or name
            says (a twin, a look-alike), enrol them anyway.
          </p>
          <button type="button" onClick={() => void enrolDuplicatesAnyway()} data-testid="force-duplicates">
            Enrol {duplicates === 1 ? 'it' : 'them'} anyway
          </button>
        </div>
      )}
      <ImportResults results={results} />
    </div>
  );
}
