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

export interface PusherJsSubscriber {
  /** Every `event` the client emitted on the channel, in order, decrypted by pusher-js. */
  received: unknown[];
  /** Resolves once `count` events have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<unknown[]>;
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
  const listeners: Array<() => void> = [];
  const channel = client.subscribe(opts.channel);
  channel.bind(opts.event, (data: unknown) => {
    received.push(data);
    for (const wake of listeners) wake();
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
  return {
    received,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return false;
          clearTimeout(timer);
          resolve(received.slice());
          return true;
        };
        const timer = setTimeout(
          () => reject(new Error(`pusher-js received ${received.length} of ${count} events`)),
          timeoutMs,
        );
        if (!check()) listeners.push(check);
      });
    },
    disconnect() {
      client.disconnect();
    },
  };
}
