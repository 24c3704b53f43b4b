import { useEffect } from 'react';
import { useAppInfo } from './appInfoStore';
import { ModelList } from './ModelList';

export function App() {
  const { info, error, load } = useAppInfo();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="app">
      <h1>Clockface</h1>
      {error && <p className="error">Cannot reach the main process: {error}</p>}
      {info && <p className="muted">Version {info.version}</p>}
      {info &&
        (info.models.ok ? <ModelList models={info.models.list} /> : <p className="error">{info.models.error}</p>)}
    </main>
  );
}
