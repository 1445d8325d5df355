// The light clients of the benches: what the chat frame (and the console) do for live events,
// without a browser. pusher-js (its Node build decrypts sealed events) authorized through one of
// Parley's own endpoints, connecting from Parley's origin as the frame does.
import PusherJs from 'pusher-js';
import { sendOriginTo } from '../test/encryption/pusher-js-subscriber.ts';
import { authorize } from '../test/helpers/visitor-api.ts';
import type { ChatMessage, RealtimeClientConfig, SessionResponse } from '../common/wire.ts';

/** An auth endpoint's answer to one channel subscription. */
export type Sign = (socketId: string, channel: string) => Promise<{ status: number; body: unknown }>;

/** A pusher-js client for the relay `rt` names, signing each subscription with `sign`, connecting from `origin`. */
export function lightClient(origin: string, rt: RealtimeClientConfig, sign: Sign): PusherJs {
  sendOriginTo(rt.wsHost, rt.wsPort, origin);
  return new PusherJs(rt.key, {
    cluster: rt.cluster,
    wsHost: rt.wsHost,
    wsPort: rt.wsPort,
    forceTLS: false,
    enabledTransports: ['ws'],
    channelAuthorization: {
      endpoint: rt.authEndpoint,
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        sign(socketId, channelName).then(
          (res) => (res.status === 200 ? callback(null, res.body as { auth: string }) : callback(new Error(`auth ${res.status}`), null)),
          (err: Error) => callback(err, null),
        );
      },
    },
  });
}

/**
 * Disconnects `client` and lets it go: pusher-js keeps every client it ever made in
 * `Pusher.instances`, so a bench making 200 a run grew run by run, and the later runs of one
 * process measured a slower machine (the server's CPU per reply rose by up to half).
 */
export function closeClient(client: PusherJs): void {
  client.disconnect();
  const kept = PusherJs.instances.indexOf(client);
  if (kept >= 0) PusherJs.instances.splice(kept, 1);
}

/** Subscribes `client` to `name`, `onMessage` getting every `message` event; resolves once subscribed. */
export function subscribeMessages(client: PusherJs, name: string, onMessage: (message: ChatMessage) => void): Promise<void> {
  const channel = client.subscribe(name);
  channel.bind('message', onMessage);
  return new Promise<void>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve());
    channel.bind('pusher:subscription_error', (e: unknown) => reject(new Error(JSON.stringify(e))));
  });
}

/** The visitor: subscribed to the session's conversation channel with its token; resolves once subscribed. */
export async function subscribeVisitor(url: string, session: SessionResponse, onMessage: (message: ChatMessage) => void): Promise<PusherJs> {
  const client = lightClient(new URL(url).origin, session.realtime, (socketId, channel) => authorize(url, session.token, socketId, channel));
  await subscribeMessages(client, session.channel, onMessage);
  return client;
}
