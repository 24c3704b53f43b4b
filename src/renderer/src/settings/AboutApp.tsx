import { useEffect } from 'react';
import { ModelList } from './ModelList';
import { useAppInfo } from './appInfoStore';

export function AboutApp() {
  const { info, error, load } = useAppInfo();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="stack" aria-labelledby="about-app">
      <h3 id="about-app">About</h3>
      {error && <p className="error">Cannot reach the main process: {error}</p>}
      {info && <p className="muted">Clockface {info.version}</p>}
      {info &&
        (info.models.ok ? <ModelList models={info.models.list} /> : <p className="error">{info.models.error}</p>)}
    </section>
  );
}
