import type { ReactNode } from 'react';
import type { PinNote } from './adminSessionStore';

/**
 * The line under the PIN pad, there even when empty and as tall as its tallest content (the
 * lockout countdown), so the card does not move when a message comes or goes.
 */
export function PinMessageSlot({ children }: { readonly children?: ReactNode }) {
  return (
    <div className="pin-message-slot" data-testid="pin-message-slot">
      {children}
    </div>
  );
}

export function PinMessage({ note }: { readonly note: PinNote }) {
  return (
    <p
      className={note.tone}
      role={note.tone === 'error' ? 'alert' : 'status'}
      data-testid="pin-message"
      data-tone={note.tone}
    >
      {note.text}
    </p>
  );
}
