import { useRef, type KeyboardEvent } from 'react';
import { ADMIN_TABS, useNavigation, type AdminTab } from '../navigation/navigationStore';

export const tabId = (tab: AdminTab) => `admin-tab-${tab}`;
export const panelId = (tab: AdminTab) => `admin-panel-${tab}`;

/** The admin sections as ARIA tabs: arrow keys, Home and End move between them. */
export function AdminTabs() {
  const current = useNavigation((state) => state.adminTab);
  const showTab = useNavigation((state) => state.showTab);
  const buttons = useRef(new Map<AdminTab, HTMLButtonElement>());

  const move = (event: KeyboardEvent, index: number) => {
    const last = ADMIN_TABS.length - 1;
    const target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const tab = ADMIN_TABS[(target + ADMIN_TABS.length) % ADMIN_TABS.length];
    if (!tab) return;
    showTab(tab.id);
    buttons.current.get(tab.id)?.focus();
  };

  return (
    <div className="admin-tabs" role="tablist" aria-label="Admin sections">
      {ADMIN_TABS.map((tab, index) => (
        <button
          key={tab.id}
          ref={(element) => {
            if (element) buttons.current.set(tab.id, element);
            else buttons.current.delete(tab.id);
          }}
          type="button"
          role="tab"
          id={tabId(tab.id)}
          aria-controls={panelId(tab.id)}
          aria-selected={tab.id === current}
          tabIndex={tab.id === current ? 0 : -1}
          onClick={() => showTab(tab.id)}
          onKeyDown={(event) => move(event, index)}
          data-testid={`tab-${tab.id}`}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
