import { create } from 'zustand';

export const ADMIN_TABS = [
  { id: 'people', label: 'People' },
  { id: 'enrol', label: 'Enrol' },
  { id: 'attendance', label: 'Attendance' },
  { id: 'settings', label: 'Settings' },
  { id: 'calibration', label: 'Calibration' },
  { id: 'embedding-map', label: 'Embedding map' },
] as const;

export type AdminTab = (typeof ADMIN_TABS)[number]['id'];

interface NavigationState {
  /** The kiosk is the default screen; the admin screens sit behind the PIN. */
  readonly screen: 'kiosk' | 'admin';
  readonly adminTab: AdminTab;
  openAdmin(): void;
  openKiosk(): void;
  showTab(tab: AdminTab): void;
}

export const useNavigation = create<NavigationState>((set) => ({
  screen: 'kiosk',
  adminTab: 'people',
  openAdmin: () => set({ screen: 'admin' }),
  openKiosk: () => set({ screen: 'kiosk' }),
  showTab: (adminTab) => set({ adminTab }),
}));
