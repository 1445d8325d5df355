// The chat's UI, a chunk of its own that the frame's first script (main.ts) fetches at once: the
// conversation (chat.ts) over the API client that script made, drawn with Preact. The session may be
// on its way already when this arrives; `start` takes it over.
import { render } from 'preact';
import type { FrameToHost } from '../../shared/bridge.ts';
import type { Language } from '../../../common/languages.ts';
import type { Api } from '../chat/api.ts';
import { createChat } from '../chat/chat.ts';
import { loadPusher } from '../chat/realtime.ts';
import { pickLocale } from '../i18n/index.ts';
import { App } from './app.tsx';
import '../styles.css';

export interface Mounted {
  start: ReturnType<typeof createChat>['start'];
  /** The visitor opened the chat: focus goes to the composer. */
  opened(): void;
}

interface Frame {
  api: Api;
  lang: Language;
  toHost(msg: FrameToHost): void;
  close(): void;
}

/** Draws the chat into the page's <main id="app">, once the page is parsed. */
export function mountChat({ api, lang, toHost, close }: Frame): Mounted {
  const root = document.getElementById('app')!;
  const { strings } = pickLocale(lang);
  const chat = createChat(api, {
    fresh: (id, sender) => toHost({ parley: 1, type: 'message', id, sender }),
    active: (active) => toHost({ parley: 1, type: 'conversation', active }),
  });
  let focusSignal = 0;
  const draw = (): void => render(<App chat={chat} t={strings} onClose={close} focusSignal={focusSignal} />, root);
  draw();
  // Once the frame is idle, and only if no session has started by then: pusher-js is 93 KB of
  // script to compile and run, and with the session's request on the wire it would compete with
  // the server for the CPU (connecting loads it anyway, after the greeting). A static asset, no
  // API request; a failed fetch is retried.
  let started = false;
  const idle = window.requestIdleCallback ?? setTimeout; // Safari has none
  idle(() => {
    if (!started) loadPusher().catch(() => {});
  });
  return {
    start(session) {
      started = true;
      return chat.start(session);
    },
    opened() {
      focusSignal++;
      draw();
    },
  };
}
