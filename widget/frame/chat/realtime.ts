// Subscribes to the conversation's encrypted channel (sealed by the Parley server, opened here)
// with pusher-js's encryption build.
// pusher-js drops an event it cannot decrypt (after one re-authorization of its own), so this module
// counts raw channel events against decrypted ones and asks for a history fill whenever one went
// missing; it also asks for a fill on every (re)subscription, which covers reconnects.
// pusher-js is about half the frame's script and nothing of the first render needs it: it is a
// chunk of its own, fetched once the frame has drawn (loadPusher) and run when a session needs it.
import type PusherClass from 'pusher-js/with-encryption';
import { EVENT_MESSAGE, EVENT_TYPING, type SessionResponse, type TypingEvent } from '../../../common/wire.ts';
import { pusherOptions, type ChannelAuth } from '../../../common/pusher-client.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';
export type Typist = NonNullable<TypingEvent['who']>;

export interface RealtimeHandlers {
  message(data: unknown): void;
  /** Who types: the bot working on a turn, or the operator holding the conversation. */
  typing(typing: boolean, who: Typist): void;
  /** Fetch history after the last id we hold: something may have been missed. */
  fill(): void;
  status(status: ConnectionStatus): void;
}

/** How long a raw event may wait for its decrypted twin before we fetch it from history. */
const DECRYPT_GRACE_MS = 2500;

export interface Realtime {
  /** Start a fresh connection attempt now instead of waiting out pusher-js's growing back-off. */
  kick(): void;
  stop(): void;
}

type Authorize = (socketId: string, channelName: string) => Promise<ChannelAuth>;

let loading: Promise<typeof PusherClass> | undefined;

/** Fetches pusher-js once; a failed fetch is tried again by the next call. */
export function loadPusher(): Promise<typeof PusherClass> {
  loading ??= import('pusher-js/with-encryption').then(
    (m) => m.default,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/** Connects as soon as pusher-js is there; until then `kick` retries a failed fetch and `stop` cancels. */
export function connectRealtime(session: SessionResponse, authorize: Authorize, on: RealtimeHandlers): Realtime {
  let live: Realtime | null = null;
  let stopped = false;
  let fetching = false;
  const begin = (): void => {
    if (fetching) return;
    fetching = true;
    loadPusher().then(
      (Pusher) => {
        if (!stopped) live = connect(Pusher, session, authorize, on);
      },
      (err: unknown) => {
        fetching = false;
        console.warn('Parley: realtime client not loaded', err);
        on.status('reconnecting'); // the chat polls history meanwhile, and kicks
      },
    );
  };
  begin();
  return {
    kick: () => (live ? live.kick() : begin()),
    stop() {
      stopped = true;
      live?.stop();
    },
  };
}

function connect(Pusher: typeof PusherClass, session: SessionResponse, authorize: Authorize, on: RealtimeHandlers): Realtime {
  const pusher = new Pusher(session.realtime.key, pusherOptions(session.realtime, authorize));

  // pusher-js logs, and then drops, events it could not decrypt even after re-authorizing.
  Pusher.log = (line: unknown) => {
    if (typeof line === 'string' && /decrypt|encrypted event/i.test(line)) on.fill();
  };

  let raw = 0;
  let decrypted = 0;
  let check: ReturnType<typeof setTimeout> | undefined;
  pusher.connection.bind('message', (event: { event?: string; channel?: string }) => {
    if (event.channel !== session.channel || event.event !== EVENT_MESSAGE) return;
    raw++;
    clearTimeout(check);
    check = setTimeout(() => {
      if (raw > decrypted) {
        decrypted = raw;
        on.fill();
      }
    }, DECRYPT_GRACE_MS);
  });

  let everConnected = false;
  pusher.connection.bind('state_change', ({ current }: { current: string }) => {
    if (current === 'connected') {
      everConnected = true;
      on.status('connected');
    } else if (current !== 'initialized') {
      on.status(everConnected ? 'reconnecting' : 'connecting');
    }
  });

  const channel = pusher.subscribe(session.channel);
  channel.bind('pusher:subscription_succeeded', () => on.fill());
  channel.bind(EVENT_MESSAGE, (data: unknown) => {
    decrypted++;
    on.message(data);
  });
  channel.bind(EVENT_TYPING, (data: { typing?: unknown; who?: unknown } | null) => on.typing(data?.typing === true, data?.who === 'operator' ? 'operator' : 'bot'));

  const online = (): void => on.fill();
  window.addEventListener('online', online);
  return {
    kick() {
      if (pusher.connection.state === 'connected') return;
      // Channels stay registered; pusher-js resubscribes them all once connected.
      pusher.disconnect();
      pusher.connect();
    },
    stop() {
      clearTimeout(check);
      window.removeEventListener('online', online);
      pusher.disconnect();
    },
  };
}
