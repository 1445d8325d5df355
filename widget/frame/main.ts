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

/** Automatic tries after the UI's chunk failed to arrive, UI_RETRY_MS, then twice, three times that apart. */
const UI_RETRIES = 3;
const UI_RETRY_MS = 1000;

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
  // The UI's chunk is fetched once the frame is told to (config or open). A failed fetch (a network
  // blip) must not leave a blank panel for good: it is tried again, a few times on its own once the
  // visitor has asked for the chat, and on every open.
  let session: Promise<SessionResponse> | undefined;
  let mounted: Mounted | undefined;
  let loading = false;
  let openedWhileLoading = false;
  let retries = 0;
  const loadUi = (): void => {
    if (mounted || loading) return;
    loading = true;
    Promise.all([import('./ui/mount.tsx'), parsed]).then(
      ([m]) => {
        mounted = m.mountChat({ api, lang, toHost, close });
        // What came while the UI was on its way (or failing to arrive).
        if (session) void mounted.start(session);
        if (openedWhileLoading) mounted.opened();
      },
      (err: unknown) => {
        console.warn('Parley: chat failed to load', err);
        loading = false;
        if (session && retries < UI_RETRIES) setTimeout(loadUi, UI_RETRY_MS * ++retries);
      },
    );
  };

  // The loader prepares the frame before the visitor clicks: it waits, drawn, until `open` (or
  // `hidden`, for a conversation already going on) starts the session. No API request, no socket
  // and no conversation before that.
  const start = (): void => {
    if (session) return;
    session = api.start();
    session.catch(() => {}); // the chat takes it over and shows the failure
    if (mounted) void mounted.start(session);
    else loadUi();
  };

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== hostOrigin) return;
    const msg = parseHostToFrame(event.data);
    if (!msg) return;
    if (msg.type === 'open') {
      start(); // first: the session request is on its way while the view loads or updates
      if (mounted) mounted.opened();
      else {
        openedWhileLoading = true;
        loadUi();
      }
    } else if (msg.type === 'hidden') {
      start();
    } else if (msg.type === 'config') {
      if (msg.colour) {
        // CSSOM custom properties, not a style attribute: allowed under style-src 'self'.
        document.documentElement.style.setProperty('--brand', msg.colour);
        document.documentElement.style.setProperty('--on-brand', textOn(msg.colour));
      }
      loadUi();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  toHost({ parley: 1, type: 'ready' });
}

boot();
