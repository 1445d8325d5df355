// A barrier for "nothing more arrived" claims: a marker event published on a conversation's
// channel through the server's own Pusher HTTP API, with the `pusher` SDK and the server's
// credentials, as any backend would. A subscriber that sees the marker has seen everything the
// server published on that channel before it: one socket delivers a channel's events in order.
import { randomUUID } from 'node:crypto';
import Pusher from 'pusher';
import type { Config } from '../../server/config/index.ts';
import type { ChannelEvent } from '../encryption/pusher-js-subscriber.ts';

export const MARKER_EVENT = 'test-marker';

/** Publishes a marker on `channel` and returns a predicate that finds it in a subscriber's timeline. */
export async function publishMarker(
  parley: { port: number; config: Pick<Config, 'realtime'> },
  channel: string,
): Promise<(timeline: ChannelEvent[]) => boolean> {
  const rt = parley.config.realtime;
  const sdk = new Pusher({
    appId: rt.appId,
    key: rt.key,
    secret: rt.secret,
    host: '127.0.0.1',
    port: String(parley.port),
    useTLS: false,
    encryptionMasterKeyBase64: Buffer.from(rt.encryptionKey).toString('base64'),
  });
  const marker = randomUUID();
  const res = await sdk.trigger(channel, MARKER_EVENT, { marker });
  if (res.status !== 200) throw new Error(`marker publish answered ${res.status}`);
  return (timeline) => timeline.some((e) => e.event === MARKER_EVENT && (e.data as { marker?: string } | null)?.marker === marker);
}
