import { useNavigation } from '../navigation/navigationStore';
import { BigClock } from './BigClock';
import { GreetingPanel } from './GreetingPanel';
import { LivePreview } from './LivePreview';
import { StatusBanner } from './StatusBanner';
import { UnknownHint } from './UnknownHint';
import './kiosk.css';

/** The wall-mounted check-in screen: the camera picture, the greeting, the clock. */
export function KioskScreen() {
  const openAdmin = useNavigation((state) => state.openAdmin);
  return (
    <main className="kiosk" data-testid="kiosk-screen">
      <header className="kiosk-top">
        <BigClock />
        <button type="button" className="kiosk-admin-button" onClick={openAdmin} data-testid="open-admin">
          Admin
        </button>
      </header>
      <div className="kiosk-stage">
        <LivePreview label="Camera picture with the faces found" />
        <StatusBanner />
        <UnknownHint />
      </div>
      <GreetingPanel />
    </main>
  );
}
