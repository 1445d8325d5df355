// A real pusher-js client (its Node build is the encryption build: tweetnacl inside) subscribed to
// one channel, collecting what it emits after decryption. Authorization goes through `authorize`,
// which returns what an auth endpoint would: {auth, shared_secret}.
import PusherJs from 'pusher-js';

/**
 * pusher-js in Node sends no Origin header, where a browser always sends its page's, and Parley's
 * realtime server accepts only its own chat frame's. Sockets to an endpoint registered here carry
 * that Origin, as the frame's pusher-js does. pusher-js opens every socket through this one hook.
 */
const originOfEndpoint = new Map<string, string>();
const runtime = PusherJs.Runtime;
const openSocket = runtime.createWebSocket.bind(runtime);
runtime.createWebSocket = (url) => {
  const origin = originOfEndpoint.get(new URL(url).host);
  if (!origin) return openSocket(url);
  // The Node build's socket is faye-websocket's Client: (url, protocols, options).
  const Socket = runtime.getWebSocketAPI() as unknown as new (url: string, protocols: string[], options: object) => ReturnType<typeof openSocket>;
  return new Socket(url, [], { headers: { Origin: origin } });
};

/** pusher-js sockets to `host:port` send `origin`, as a browser page on that origin would. */
export function sendOriginTo(host: string, port: number, origin: string): void {
  originOfEndpoint.set(`${host}:${port}`, origin);
}

export interface ChannelAuth {
  auth: string;
  shared_secret?: string;
  channel_data?: string;
}

export interface ChannelEvent {
  event: string;
  data: unknown;
}

export interface PusherJsSubscriber {
  /** Every `event` the client emitted on the channel, in order, decrypted by pusher-js. */
  received: unknown[];
  /**
   * Every event of any name the client emitted on the channel (pusher: internals left out), in the
   * order this one socket received them: what arrived before an event in it was sent before it.
   */
  timeline: ChannelEvent[];
  /** Resolves once `count` events have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<unknown[]>;
  /** Resolves once `predicate` holds for the timeline (rejects after `timeoutMs`). */
  until(predicate: (timeline: ChannelEvent[]) => boolean, what: string, timeoutMs?: number): Promise<ChannelEvent[]>;
  disconnect(): void;
}

export async function subscribeWithPusherJs(opts: {
  key: string;
  host: string;
  port: number;
  channel: string;
  event: string;
  authorize: (socketId: string, channel: string) => Promise<ChannelAuth>;
  /** The Origin the socket sends, as the chat frame's pusher-js does (Parley accepts only its own). */
  origin?: string;
}): Promise<PusherJsSubscriber> {
  if (opts.origin) sendOriginTo(opts.host, opts.port, opts.origin);
  const client = new PusherJs(opts.key, {
    cluster: 'local',
    wsHost: opts.host,
    wsPort: opts.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        opts.authorize(socketId, channelName).then(
          (auth) => callback(null, auth),
          (error: Error) => callback(error, null),
        );
      },
    },
  });
  const received: unknown[] = [];
  const timeline: ChannelEvent[] = [];
  const listeners = new Set<() => boolean>();
  const wakeAll = (): void => {
    for (const check of listeners) if (check()) listeners.delete(check);
  };
  const channel = client.subscribe(opts.channel);
  channel.bind_global((event: string, data: unknown) => {
    if (event.startsWith('pusher:') || event.startsWith('pusher_internal:')) return;
    timeline.push({ event, data });
    if (event === opts.event) received.push(data);
    wakeAll();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pusher-js did not subscribe to ${opts.channel}`)), 10_000);
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer);
      resolve();
    });
    channel.bind('pusher:subscription_error', (error: unknown) => {
      clearTimeout(timer);
      reject(new Error(`pusher-js subscription failed: ${JSON.stringify(error)}`));
    });
  });
  /** Resolves with `value()` once `ready()` holds, checked on every event; rejects with `failure()` after `timeoutMs`. */
  const whenReady = <T>(ready: () => boolean, value: () => T, failure: () => string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (!ready()) return false;
        clearTimeout(timer);
        resolve(value());
        return true;
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(failure()));
      }, timeoutMs);
      if (!check()) listeners.add(check);
    });
  return {
    received,
    timeline,
    waitFor(count, timeoutMs = 10_000) {
      return whenReady(
        () => received.length >= count,
        () => received.slice(),
        () => `pusher-js received ${received.length} of ${count} events`,
        timeoutMs,
      );
    },
    until(predicate, what, timeoutMs = 10_000) {
      return whenReady(
        () => predicate(timeline),
        () => timeline.slice(),
        () => `pusher-js never saw ${what}; timeline: ${JSON.stringify(timeline).slice(0, 2000)}`,
        timeoutMs,
      );
    },
    disconnect() {
      client.disconnect();
    },
  };
}

/**
 * What pusher-js logs (through its global `Pusher.log` hook) while this watch is on. pusher-js
 * says there, and nowhere else, that it dropped an event it could not decrypt even with a fresh
 * key: the one signal that the re-authorization it started for that event is over. Start the watch
 * before creating the client: pusher-js hands `Pusher.log` to its core when a client is constructed.
 */
export function watchPusherJsLog(): { lines: string[]; waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>; stop(): void } {
  const lines: string[] = [];
  const wakers = new Set<() => void>();
  const previous = PusherJs.log;
  let watching = true;
  PusherJs.log = (message: unknown) => {
    if (!watching) return;
    lines.push(String(message));
    for (const wake of wakers) wake();
  };
  return {
    lines,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = lines.find((l) => pattern.test(l));
          if (line === undefined) return;
          wakers.delete(check);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`pusher-js never logged ${pattern}; it logged:\n${lines.join('\n')}`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
    },
    stop() {
      watching = false;
      PusherJs.log = previous;
    },
  };
}
