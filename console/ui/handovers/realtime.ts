// The console's one pusher-js connection, for the handover screens. Its channels are
// private-encrypted- like the visitor's: the server signs each subscription through the console
// session (JSON body and X-CSRF-Token, as every console state change) and seals every event, so
// the relay reads nothing. Screens watch a channel for as long as they show it; a channel two
// screens watch is unsubscribed when the last one stops.
import Pusher from 'pusher-js/with-encryption';
import type { ConsoleRealtimeConfig } from '../../../common/handover-wire.ts';
import { pusherOptions } from '../../../common/pusher-client.ts';
import { authorizeChannel } from '../../api.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface ChannelWatch {
  /** Event name → handler of its (decrypted) data. */
  events: Record<string, (data: unknown) => void>;
  /** Each (re)subscription: fetch what may have been missed while not subscribed. */
  subscribed: () => void;
}

export interface ConsoleRealtime {
  watch(channel: string, watch: ChannelWatch): () => void;
  onStatus(fn: (status: LiveStatus) => void): () => void;
  stop(): void;
}

export function connectConsoleRealtime(config: ConsoleRealtimeConfig, csrf: string): ConsoleRealtime {
  const pusher = new Pusher(config.key, pusherOptions(config, (socketId, channelName) => authorizeChannel(csrf, socketId, channelName)));

  let status: LiveStatus = 'connecting';
  let everConnected = false;
  const statusListeners = new Set<(s: LiveStatus) => void>();
  pusher.connection.bind('state_change', ({ current }: { current: string }) => {
    if (current === 'connected') everConnected = true;
    else if (current === 'initialized') return;
    status = current === 'connected' ? 'live' : everConnected ? 'reconnecting' : 'connecting';
    for (const fn of statusListeners) fn(status);
  });

  const watchers = new Map<string, number>();
  return {
    watch(name, { events, subscribed }) {
      const channel = pusher.subscribe(name);
      watchers.set(name, (watchers.get(name) ?? 0) + 1);
      channel.bind('pusher:subscription_succeeded', subscribed);
      for (const [event, handler] of Object.entries(events)) channel.bind(event, handler);
      // Already subscribed by another screen: this one still needs its first fill.
      if (channel.subscribed) subscribed();
      return () => {
        channel.unbind('pusher:subscription_succeeded', subscribed);
        for (const [event, handler] of Object.entries(events)) channel.unbind(event, handler);
        const left = (watchers.get(name) ?? 1) - 1;
        if (left > 0) watchers.set(name, left);
        else {
          watchers.delete(name);
          pusher.unsubscribe(name);
        }
      };
    },
    onStatus(fn) {
      statusListeners.add(fn);
      fn(status);
      return () => statusListeners.delete(fn);
    },
    stop: () => pusher.disconnect(),
  };
}
