// The header's "conversation options" menu: download this conversation, delete it. A menu button
// as WAI-ARIA's authoring practices describe it: Enter, Space or the arrow keys open it onto an
// item, the arrows, Home and End move between items, Escape closes it onto the button (without
// closing the chat, which Escape does elsewhere), Tab or a click elsewhere closes it.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Strings } from '../i18n/index.ts';

interface Item {
  label: string;
  run: () => void;
}

export function ConversationMenu({ t, disabled, onDownload, onErase }: { t: Strings; disabled: boolean; onDownload: () => void; onErase: () => void }) {
  const id = useId();
  const [open, setOpen] = useState<'first' | 'last' | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const items: Item[] = [
    { label: t.download, run: onDownload },
    { label: t.erase, run: onErase },
  ];
  const entries = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (open) entries().at(open === 'first' ? 0 : -1)?.focus();
  }, [open]);

  const close = (focusButton: boolean): void => {
    setOpen(null);
    if (focusButton) button.current?.focus();
  };

  const onButtonKey = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  const onMenuKey = (e: KeyboardEvent): void => {
    const all = entries();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const moveTo = (i: number) => all[(i + all.length) % all.length]?.focus();
    if (e.key === 'Escape') {
      // The frame closes the whole chat on Escape; here it only closes the menu.
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') {
      close(false);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      moveTo(e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : -1);
    }
  };

  return (
    <div
      class="menu-wrap"
      onFocusOut={(e) => {
        // Focus left the button and the menu (a click or a tab elsewhere): the menu goes.
        if (open && !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setOpen(null);
      }}
    >
      <button
        type="button"
        class="icon-button"
        id={`${id}-button`}
        ref={button}
        aria-label={t.menu}
        aria-haspopup="menu"
        aria-expanded={open !== null}
        aria-controls={`${id}-menu`}
        disabled={disabled}
        onClick={() => (open ? close(false) : setOpen('first'))}
        onKeyDown={onButtonKey}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 8a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 6a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 6a2 2 0 1 0 0-4 2 2 0 0 0 0 4z" />
        </svg>
      </button>
      <ul class="menu" role="menu" id={`${id}-menu`} aria-labelledby={`${id}-button`} ref={menu} hidden={open === null} onKeyDown={onMenuKey}>
        {items.map((item) => (
          <li role="none" key={item.label}>
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close(true);
                item.run();
              }}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
