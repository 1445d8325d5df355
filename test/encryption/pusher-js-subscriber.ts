// A real pusher-js client (its Node build is the encryption build: tweetnacl inside) subscribed to
// one channel, collecting what it emits after decryption. Authorization goes through `authorize`,
// which returns what an auth endpoint would: {auth, shared_secret}.
import PusherJs from 'pusher-js';

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
}): Promise<PusherJsSubscriber> {
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
