import type { ModelSummary } from '../../../shared/ipc';

export function ModelList({ models }: { readonly models: readonly ModelSummary[] }) {
  return (
    <table className="models">
      <caption>Verified models</caption>
      <thead>
        <tr>
          <th>Model</th>
          <th>Task</th>
          <th>Size</th>
        </tr>
      </thead>
      <tbody>
        {models.map((model) => (
          <tr key={model.id}>
            <td>{model.file}</td>
            <td>{model.task}</td>
            <td>{(model.bytes / 1e6).toFixed(1)} MB</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
