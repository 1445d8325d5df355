// The panel that holds the chat frame: a floating card on desktop, the whole screen on phones.
import { css, element } from './dom.ts';
import type { LoaderOptions } from './options.ts';

export interface Panel {
  root: HTMLDivElement;
  iframe: HTMLIFrameElement;
  show(open: boolean): void;
  /** True while the panel covers the whole viewport (small screens). */
  fullScreen(): boolean;
}

const PHONE = '(max-width: 520px), (max-height: 520px)';

function frameUrl(opts: LoaderOptions, hostOrigin: string): string {
  const q = new URLSearchParams({ bot: opts.bot, origin: hostOrigin, locale: opts.locale });
  return `${opts.parleyOrigin}/frame.html?${q}`;
}

export function createPanel(opts: LoaderOptions, id: string, hostOrigin: string): Panel {
  const root = element('div', { position: 'fixed', zIndex: '2147483000', overflow: 'hidden', background: '#fff' });
  root.id = id;
  const iframe = element('iframe', { border: '0', width: '100%', height: '100%', display: 'block' });
  iframe.title = 'Chat';
  // The host page's path is none of the chat server's business; the origin travels in the URL.
  iframe.referrerPolicy = 'no-referrer';
  iframe.src = frameUrl(opts, hostOrigin);
  root.appendChild(iframe);
  const phone = window.matchMedia(PHONE);

  let open = false;
  const layout = (): void => {
    if (phone.matches) {
      css(root, { inset: '0', width: '100%', height: '100%', borderRadius: '0', boxShadow: 'none' });
    } else {
      css(root, {
        inset: 'auto',
        bottom: '92px',
        [opts.position]: '20px',
        width: 'min(400px, calc(100vw - 40px))',
        height: 'min(640px, calc(100vh - 120px))',
        borderRadius: '12px',
        boxShadow: '0 8px 32px rgba(0,0,0,.25)',
      });
    }
    // Closed, the panel is see-through and inert (no clicks, no Tab, no screen reader), not
    // display:none: Chromium runs a frame that is not rendered in a background process (nice 5),
    // which under load made the prepared frame still be loading at the click (issue 17).
    css(root, { opacity: open ? '' : '0', pointerEvents: open ? '' : 'none' });
    root.inert = !open;
  };
  phone.addEventListener('change', layout);
  layout();
  return {
    root,
    iframe,
    show(next) {
      open = next;
      layout();
    },
    fullScreen: () => phone.matches,
  };
}
