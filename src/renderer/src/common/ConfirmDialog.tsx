import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

interface ConfirmDialogProps {
  readonly title: string;
  /** What will happen, said plainly. */
  readonly children: ReactNode;
  readonly confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  readonly busy?: boolean;
  readonly testId?: string;
}

/** A modal question; Escape or "Cancel" says no, and focus stays inside while it is open. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
  testId,
}: ConfirmDialogProps) {
  const ids = useId();
  const dialog = useRef<HTMLDivElement>(null);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const buttons = [...dialog.current.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        aria-describedby={`${ids}-body`}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <h2 id={`${ids}-title`}>{title}</h2>
        <div id={`${ids}-body`}>{children}</div>
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} autoFocus>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
