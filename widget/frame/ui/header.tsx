import type { ComponentChildren } from 'preact';
import type { Strings } from '../i18n/index.ts';

/** The title, then `actions` (the conversation's menu) and the close button. */
export function Header({ t, title, onClose, actions }: { t: Strings; title?: string; onClose: () => void; actions?: ComponentChildren }) {
  return (
    <header class="header">
      <h1 class="title" dir="auto">{title || t.title}</h1>
      <div class="header-actions">
        {actions}
        <button type="button" class="icon-button" aria-label={t.close} onClick={onClose}>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z" />
          </svg>
        </button>
      </div>
    </header>
  );
}
