import { useEffect, type ReactNode } from 'react';
import { useNavigation } from '../navigation/navigationStore';
import { AdminShell } from './AdminShell';
import { SetPinForm } from './SetPinForm';
import { UnlockForm } from './UnlockForm';
import { useAdminSession } from './adminSessionStore';
import './admin.css';

/** How often an open admin screen asks whether main has locked it for idleness. */
const IDLE_CHECK_MS = 15_000;

/** The admin screens behind the PIN: set it on first run, unlock it, then the sections. */
export function AdminScreen() {
  const admin = useAdminSession((state) => state.admin);
  const refresh = useAdminSession((state) => state.refresh);
  const unlocked = admin?.unlocked ?? false;

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Main locks the screens after the idle time; notice it even when nobody touches the screen.
  useEffect(() => {
    if (!unlocked) return;
    const timer = setInterval(() => void refresh(), IDLE_CHECK_MS);
    return () => clearInterval(timer);
  }, [unlocked, refresh]);

  if (!admin)
    return (
      <PinGate title="Admin">
        <p className="muted">Loading…</p>
      </PinGate>
    );
  if (!admin.pinSet)
    return (
      <PinGate title="Set the admin PIN">
        <SetPinForm />
      </PinGate>
    );
  if (!admin.unlocked)
    return (
      <PinGate title="Admin">
        <UnlockForm lockedUntil={admin.lockedUntil} />
      </PinGate>
    );
  return <AdminShell />;
}

function PinGate({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  const openKiosk = useNavigation((state) => state.openKiosk);
  return (
    <main className="pin-gate">
      <div className="card pin-gate-card">
        <h1>{title}</h1>
        {children}
        <button type="button" className="link" onClick={openKiosk}>
          Back to the kiosk
        </button>
      </div>
    </main>
  );
}
