import { useEffect } from 'react';
import { AdminScreen } from './admin/AdminScreen';
import { watchAdminLock } from './admin/adminSessionStore';
import { connectLive } from './live/liveStore';
import { KioskScreen } from './live/KioskScreen';
import { useNavigation } from './navigation/navigationStore';
import { connectProgress } from './progress/progressStore';

/** The kiosk by default; the admin screens when asked for. The push listeners live as long as the app. */
export function App() {
  const screen = useNavigation((state) => state.screen);

  useEffect(() => {
    const disconnect = [connectLive(), connectProgress(), watchAdminLock()];
    return () => {
      for (const stop of disconnect) stop();
    };
  }, []);

  return screen === 'kiosk' ? <KioskScreen /> : <AdminScreen />;
}
