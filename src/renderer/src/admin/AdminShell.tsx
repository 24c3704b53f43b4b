import type { ReactNode } from 'react';
import { AttendancePanel } from '../attendance/AttendancePanel';
import { CalibrationPanel } from '../calibration/CalibrationPanel';
import { EmbeddingMapPanel } from '../embeddingMap/EmbeddingMapPanel';
import { EnrolPanel } from '../enrol/EnrolPanel';
import { useNavigation, type AdminTab } from '../navigation/navigationStore';
import { PeoplePanel } from '../people/PeoplePanel';
import { SettingsPanel } from '../settings/SettingsPanel';
import { AdminTabs, panelId, tabId } from './AdminTabs';
import { useAdminSession } from './adminSessionStore';

const PANELS: { readonly [T in AdminTab]: () => ReactNode } = {
  people: () => <PeoplePanel />,
  enrol: () => <EnrolPanel />,
  attendance: () => <AttendancePanel />,
  settings: () => <SettingsPanel />,
  calibration: () => <CalibrationPanel />,
  'embedding-map': () => <EmbeddingMapPanel />,
};

/** The unlocked admin screens: a header with the lock, the section tabs and the open section. */
export function AdminShell() {
  const tab = useNavigation((state) => state.adminTab);
  const openKiosk = useNavigation((state) => state.openKiosk);
  const lock = useAdminSession((state) => state.lock);
  return (
    <main className="admin">
      <header className="admin-header">
        <h1>Clockface admin</h1>
        <button
          type="button"
          onClick={async () => {
            await lock();
            openKiosk();
          }}
          data-testid="lock-admin"
        >
          Lock and return to the kiosk
        </button>
      </header>
      <AdminTabs />
      <section className="admin-panel" role="tabpanel" id={panelId(tab)} aria-labelledby={tabId(tab)} tabIndex={0}>
        {PANELS[tab]()}
      </section>
    </main>
  );
}
