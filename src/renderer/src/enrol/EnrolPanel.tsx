import { GuidedCapture } from './GuidedCapture';
import { PhotoImport } from './PhotoImport';
import './enrol.css';

export function EnrolPanel() {
  return (
    <div className="stack">
      <h2>Enrol</h2>
      <div className="enrol-grid">
        <section className="card" aria-label="Enrol from the camera">
          <GuidedCapture />
        </section>
        <section className="card" aria-label="Enrol from photos">
          <PhotoImport />
        </section>
      </div>
    </div>
  );
}
