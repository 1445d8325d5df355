// Entry of the chat frame, kept small so it runs early: it only runs inside the iframe the loader
// made (the host origin comes from ?origin= and every postMessage is checked against it, and against
// window.parent, exactly), says `ready` to the loader, and starts the session the moment `open`
// arrives, while the chat's UI (ui/mount.tsx, a chunk of its own fetched at once) is still loading:
// clicked the moment the host page loaded, the session's round trip and the UI's script overlap
// instead of following each other (issue 17).
//
// The UI's script runs only once the loader has answered `ready` (its `config` comes last, after
// any `open`): run at once, its ~50 ms of evaluation and first render held the `open` of a visitor
// who clicked while the frame loaded in the queue behind it, and the session started only then.
import { languageOf } from '../../common/languages.ts';
import type { SessionResponse } from '../../common/wire.ts';
import { isExactOrigin, parseHostToFrame, type FrameToHost } from '../shared/bridge.ts';
import { textOn } from '../shared/colour.ts';
import { createApi } from './chat/api.ts';
import { tokenStore } from './chat/token-store.ts';
import type { Mounted } from './ui/mount.tsx';

function boot(): void {
  const params = new URLSearchParams(location.search);
  const bot = params.get('bot') ?? '';
  const hostOrigin = params.get('origin') ?? '';
  // Refuse to run top-level or with an origin that is not the embedding page's own.
  const ancestor = location.ancestorOrigins?.[0];
  if (window.parent === window || !bot || !isExactOrigin(hostOrigin) || (ancestor !== undefined && ancestor !== hostOrigin)) {
    return;
  }
  const lang = languageOf(params.get('locale') ?? '') ?? 'en';
  document.documentElement.lang = lang;

  const toHost = (msg: FrameToHost): void => window.parent.postMessage(msg, hostOrigin);
  const api = createApi({ bot, origin: hostOrigin, locale: lang }, tokenStore(bot, hostOrigin));
  const close = (): void => toHost({ parley: 1, type: 'close' });
  // This script is async (it runs once fetched, without waiting for the stylesheet), so the body
  // may still be on its way: the UI mounts once it is parsed.
  const parsed = new Promise((resolve) => (document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', resolve) : resolve(0)));
  let ui: Promise<Mounted> | undefined;
  const loadUi = (): Promise<Mounted> => {
    if (ui) return ui;
    ui = Promise.all([import('./ui/mount.tsx'), parsed]).then(([m]) => m.mountChat({ api, lang, toHost, close }));
    ui.catch((err: unknown) => console.warn('Parley: chat failed to load', err));
    return ui;
  };
  const withUi = (fn: (chat: Mounted) => void): void => void loadUi().then(fn, () => {});

  // The loader prepares the frame before the visitor clicks: it waits, drawn, until `open` (or
  // `hidden`, for a conversation already going on) starts the session. No API request, no socket
  // and no conversation before that.
  let session: Promise<SessionResponse> | undefined;
  const start = (): void => {
    if (session) return;
    session = api.start();
    session.catch(() => {}); // the chat takes it over and shows the failure
    const started = session;
    withUi((chat) => void chat.start(started));
  };

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== hostOrigin) return;
    const msg = parseHostToFrame(event.data);
    if (!msg) return;
    if (msg.type === 'open') {
      start(); // first: the session request is on its way while the view loads or updates
      withUi((chat) => chat.opened());
    } else if (msg.type === 'hidden') {
      start();
    } else if (msg.type === 'config') {
      if (msg.colour) {
        // CSSOM custom properties, not a style attribute: allowed under style-src 'self'.
        document.documentElement.style.setProperty('--brand', msg.colour);
        document.documentElement.style.setProperty('--on-brand', textOn(msg.colour));
      }
      void loadUi();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  toHost({ parley: 1, type: 'ready' });
}

boot();
