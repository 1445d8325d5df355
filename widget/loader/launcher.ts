// The launcher: a real <button> with an accessible name, a visible focus ring and an unread badge.
import { textOn } from '../shared/colour.ts';
import { css, element, icon } from './dom.ts';
import type { LoaderOptions } from './options.ts';
import { launcherStrings } from './strings.ts';

const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
const CLOSE_ICON = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z';

interface Launcher {
  button: HTMLButtonElement;
  render(state: { open: boolean; unread: number; hidden: boolean }): void;
}

export function createLauncher(opts: LoaderOptions, panelId: string): Launcher {
  const [openLabel, closeLabel, unreadLabel] = launcherStrings(opts.locale);
  const fg = textOn(opts.colour);
  const button = element('button', {
    position: 'fixed',
    bottom: '20px',
    [opts.position]: '20px',
    zIndex: '2147483001',
    width: '60px',
    height: '60px',
    borderRadius: '50%',
    border: '0',
    padding: '0',
    margin: '0',
    cursor: 'pointer',
    background: opts.colour,
    color: fg,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    boxShadow: '0 4px 14px rgba(0,0,0,.3)',
    outlineOffset: '3px',
  });
  button.type = 'button';
  button.setAttribute('aria-controls', panelId);
  // A focus ring only for keyboard focus; two colours so it shows on light and dark pages.
  button.addEventListener('focus', () => {
    if (button.matches(':focus-visible')) css(button, { outline: '3px solid #111', boxShadow: '0 0 0 6px #fff' });
  });
  button.addEventListener('blur', () => css(button, { outline: 'none', boxShadow: '0 4px 14px rgba(0,0,0,.3)' }));

  const badge = element('span', {
    position: 'absolute',
    top: '-4px',
    right: '-4px',
    minWidth: '22px',
    height: '22px',
    padding: '0 6px',
    boxSizing: 'border-box',
    borderRadius: '11px',
    background: '#b91c1c',
    color: '#fff',
    font: 'bold 12px/22px system-ui, sans-serif',
    textAlign: 'center',
  });
  badge.setAttribute('aria-hidden', 'true');

  let shown: SVGSVGElement | null = null;
  return {
    button,
    render({ open, unread, hidden }) {
      const next = icon(open ? CLOSE_ICON : CHAT_ICON);
      if (shown) button.replaceChild(next, shown);
      else button.appendChild(next);
      shown = next;
      button.setAttribute('aria-expanded', String(open));
      const label = open ? closeLabel : openLabel;
      button.setAttribute('aria-label', unread > 0 ? `${label} (${unread} ${unreadLabel})` : label);
      badge.textContent = unread > 9 ? '9+' : String(unread);
      if (unread > 0 && !open) button.appendChild(badge);
      else badge.remove();
      css(button, { display: hidden ? 'none' : 'flex' });
    },
  };
}
