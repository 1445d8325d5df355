// A bench's visitor: what the chat frame does for live messages, without a browser. pusher-js
// (its Node build decrypts sealed events) on the session's channel, authorized through Parley's
// own endpoint with the visitor's token, connecting from Parley's origin as the frame does.
import PusherJs from 'pusher-js';
import { sendOriginTo } from '../test/encryption/pusher-js-subscriber.ts';
import { authorize } from '../test/helpers/visitor-api.ts';
import type { ChatMessage, SessionResponse } from '../common/wire.ts';

/** Subscribes to the session's conversation channel; `onMessage` gets every message, decrypted. Resolves once subscribed. */
export async function subscribeVisitor(url: string, session: SessionResponse, onMessage: (message: ChatMessage) => void): Promise<PusherJs> {
  const rt = session.realtime;
  sendOriginTo(rt.wsHost, rt.wsPort, new URL(url).origin);
  const client = new PusherJs(rt.key, {
    cluster: rt.cluster,
    wsHost: rt.wsHost,
    wsPort: rt.wsPort,
    forceTLS: false,
    enabledTransports: ['ws'],
    channelAuthorization: {
      endpoint: rt.authEndpoint,
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        authorize(url, session.token, socketId, channelName).then(
          (res) => (res.status === 200 ? callback(null, res.body) : callback(new Error(`auth ${res.status}`), null)),
          (err: Error) => callback(err, null),
        );
      },
    },
  });
  const channel = client.subscribe(session.channel);
  channel.bind('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve());
    channel.bind('pusher:subscription_error', (e: unknown) => reject(new Error(JSON.stringify(e))));
  });
  return client;
}
