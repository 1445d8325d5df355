// "Delete this conversation?": the second step of the visitor's deletion, said plainly. It takes
// focus on Cancel (the safe choice) when it appears; Escape cancels it without closing the chat.
import { useEffect, useId, useRef } from 'preact/hooks';
import type { Strings } from '../i18n/index.ts';

export function EraseConfirm({ t, busy, error, onConfirm, onCancel }: { t: Strings; busy: boolean; error: string; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        onCancel();
      }}
    >
      <h2 class="confirm-title" id={`${id}-title`}>
        {t.eraseTitle}
      </h2>
      <p id={`${id}-text`}>{t.eraseText}</p>
      {error && (
        <p class="failed" role="alert">
          {error}
        </p>
      )}
      <div class="confirm-actions">
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          {t.eraseConfirm}
        </button>
        <button type="button" class="plain" ref={cancel} disabled={busy} onClick={onCancel}>
          {t.eraseCancel}
        </button>
      </div>
    </div>
  );
}
