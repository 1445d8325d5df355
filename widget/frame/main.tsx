// Entry of the chat frame. It only runs inside the iframe the loader made: the host origin comes
// from ?origin= and every postMessage is checked against it (and against window.parent) exactly.
import { render } from 'preact';
import { isExactOrigin, parseHostToFrame, type FrameToHost } from '../shared/bridge.ts';
import { textOn } from '../shared/colour.ts';
import { createChat } from './chat/chat.ts';
import { loadPusher } from './chat/realtime.ts';
import { pickLocale } from './i18n/index.ts';
import { App } from './ui/app.tsx';
import './styles.css';

function boot(): void {
  const params = new URLSearchParams(location.search);
  const bot = params.get('bot') ?? '';
  const hostOrigin = params.get('origin') ?? '';
  const root = document.getElementById('app');
  // Refuse to run top-level or with an origin that is not the embedding page's own.
  const ancestor = location.ancestorOrigins?.[0];
  if (!root || window.parent === window || !bot || !isExactOrigin(hostOrigin) || (ancestor !== undefined && ancestor !== hostOrigin)) {
    return;
  }
  const { lang, strings } = pickLocale(params.get('locale'));
  document.documentElement.lang = lang;

  const toHost = (msg: FrameToHost): void => window.parent.postMessage(msg, hostOrigin);
  const chat = createChat(
    { bot, origin: hostOrigin, locale: lang },
    {
      fresh: (id, sender) => toHost({ parley: 1, type: 'message', id, sender }),
      active: (active) => toHost({ parley: 1, type: 'conversation', active }),
    },
  );
  const close = (): void => toHost({ parley: 1, type: 'close' });

  // The loader prepares the frame before the visitor clicks: it waits, drawn, until `open` (or
  // `hidden`, for a conversation already going on) starts the session. No API request, no socket
  // and no conversation before that.
  let started = false;
  const start = (): void => {
    if (!started) void chat.start();
    started = true;
  };

  let focusSignal = 0;
  const draw = (): void => render(<App chat={chat} t={strings} onClose={close} focusSignal={focusSignal} />, root);
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== hostOrigin) return;
    const msg = parseHostToFrame(event.data);
    if (!msg) return;
    if (msg.type === 'open') {
      start(); // first: the session request is on its way while the view updates
      focusSignal++;
      draw();
    } else if (msg.type === 'hidden') {
      start();
    } else if (msg.type === 'config' && msg.colour) {
      // CSSOM custom properties, not a style attribute: allowed under style-src 'self'.
      document.documentElement.style.setProperty('--brand', msg.colour);
      document.documentElement.style.setProperty('--on-brand', textOn(msg.colour));
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });

  draw();
  toHost({ parley: 1, type: 'ready' });
  // Once the frame is idle: after its first paint, and not competing with a session opened at once
  // (connecting loads it then anyway). A static asset, no API request; a failed fetch is retried.
  const idle = window.requestIdleCallback ?? setTimeout; // Safari has none
  idle(() => void loadPusher().catch(() => {}));
}

boot();
