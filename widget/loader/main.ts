// The loader: the only Parley code that runs in the host page. It draws the launcher, prepares the
// chat frame hidden before the click and talks to it by postMessage with exact origin checks both ways.
import { parseFrameToHost, type HostToFrame } from '../shared/bridge.ts';
import { readActive, writeActive } from './active-flag.ts';
import { createEmitter, type EventName, type ParleyEvents } from './events.ts';
import { createLauncher } from './launcher.ts';
import { readOptions, type LoaderOptions } from './options.ts';
import { createPanel, type Panel } from './panel.ts';

interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  on<E extends EventName>(event: E, fn: (detail: ParleyEvents[E]) => void): () => void;
}

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

function start(opts: LoaderOptions): ParleyApi {
  const panelId = `parley-panel-${opts.bot}`;
  const emitter = createEmitter();
  const launcher = createLauncher(opts, panelId);
  let panel: Panel | null = null;
  let ready = false;
  let open = false;
  let unread = 0;

  const post = (msg: HostToFrame): void => {
    if (panel && ready) panel.iframe.contentWindow?.postMessage(msg, opts.parleyOrigin);
  };
  const render = (): void => {
    panel?.show(open);
    launcher.render({ open, unread, hidden: open && !!panel?.fullScreen() });
  };
  const ensurePanel = (): Panel => {
    if (!panel) {
      panel = createPanel(opts, panelId, location.origin);
      document.body.appendChild(panel.root);
    }
    return panel;
  };

  const onFrameMessage = (event: MessageEvent): void => {
    // Exact checks: our frame's window and the Parley origin, nothing looser.
    if (!panel || event.source !== panel.iframe.contentWindow || event.origin !== opts.parleyOrigin) return;
    const msg = parseFrameToHost(event.data);
    if (!msg) return;
    switch (msg.type) {
      case 'ready':
        ready = true;
        if (open) panel.iframe.focus(); // clicked while it loaded: focus it now (see open)
        // A prepared frame waits: only `open`, or `hidden` for a conversation already going on,
        // starts its session. Until then nothing reaches the API (no conversation for a mere visit).
        if (open) post({ parley: 1, type: 'open' });
        else if (readActive(opts.bot)) post({ parley: 1, type: 'hidden' });
        // Last: the frame draws its UI once this arrives, after a session it was told to start.
        post({ parley: 1, type: 'config', colour: opts.colour });
        break;
      case 'close':
        api.close();
        break;
      case 'conversation':
        writeActive(opts.bot, msg.active);
        break;
      case 'message':
        if (!open && msg.sender !== 'visitor') {
          unread++;
          render();
        }
        emitter.emit('message', { id: msg.id, sender: msg.sender });
        break;
    }
  };

  const api: ParleyApi = {
    open() {
      if (open) return;
      open = true;
      unread = 0;
      ensurePanel();
      render();
      // Focus the frame only once its document said ready: focused while it still loaded, Chromium
      // (a frame of another site most of all) later handed focus back to the page while keeping the
      // iframe as its active element, so the visitor's keys went to the page and a second focus()
      // was a no-op. Until then focus stays on the launcher; `ready` moves it.
      if (ready) ensurePanel().iframe.focus();
      post({ parley: 1, type: 'open' });
      emitter.emit('open', undefined);
    },
    close() {
      if (!open) return;
      open = false;
      render();
      post({ parley: 1, type: 'hidden' });
      launcher.button.focus();
      emitter.emit('close', undefined);
    },
    toggle() {
      if (open) api.close();
      else api.open();
    },
    on: emitter.on,
  };

  window.addEventListener('message', onFrameMessage);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && open) api.close();
  });
  launcher.button.addEventListener('click', api.toggle);
  document.body.appendChild(launcher.button);
  render();
  if (opts.openOnStart) api.open();
  // A conversation is ongoing: start the frame hidden now, so replies and the unread badge arrive.
  else if (readActive(opts.bot)) ensurePanel();
  // Otherwise prepare it (hidden, waiting) once the page is idle, or as soon as the visitor
  // reaches for the launcher: the click then only shows it. Safari has no requestIdleCallback.
  else (window.requestIdleCallback || setTimeout)(ensurePanel);
  launcher.button.addEventListener('pointerenter', ensurePanel);
  launcher.button.addEventListener('focus', ensurePanel);
  return api;
}

function boot(script: HTMLScriptElement): void {
  if (window.Parley) return; // included twice: the first copy wins
  const opts = readOptions(script, document.documentElement.lang);
  if (!opts) return;
  const run = (): void => {
    if (!window.Parley) window.Parley = start(opts);
  };
  if (document.body) run();
  else document.addEventListener('DOMContentLoaded', run);
}

// currentScript is only set while this file first runs (also for async scripts), so read it now.
const current = document.currentScript;
if (current instanceof HTMLScriptElement) boot(current);
