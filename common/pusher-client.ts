// What the two browser clients (the frame and the console) tell pusher-js: the server's realtime
// settings, WebSocket only (no HTTP fallbacks to allow in any CSP), no stats sent anywhere, and
// channel authorization through the client's own call to the server (the visitor token, or the
// console session with its CSRF header).
import type { Options } from 'pusher-js/with-encryption';
import type { RealtimeClientConfig } from './wire.ts';

export interface ChannelAuth {
  auth: string;
  shared_secret?: string;
}

export function pusherOptions(config: RealtimeClientConfig, authorize: (socketId: string, channelName: string) => Promise<ChannelAuth>): Options {
  return {
    cluster: config.cluster,
    wsHost: config.wsHost,
    wsPort: config.wsPort,
    wssPort: config.wssPort,
    forceTLS: config.forceTLS,
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        authorize(socketId, channelName).then(
          (data) => callback(null, data),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
        );
      },
    },
  };
}
