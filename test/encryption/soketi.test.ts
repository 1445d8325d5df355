// Against soketi, a third-party relay: a recording proxy sits between the pusher-SDK publisher and
// soketi's HTTP API and keeps every request body; a raw subscriber keeps every frame soketi sends.
// No marker word appears in either, while a real pusher-js client reads the messages in clear.
import { randomBytes } from 'node:crypto';
import Pusher from 'pusher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSharedSecret, openEventData } from '../../server/realtime/channel-crypto.ts';
import { createPusherPublisher } from '../../server/realtime/pusher-publisher.ts';
import { startSoketi, type RunningSoketi } from '../helpers/soketi.ts';
import { leakedMarkers, marker } from './markers.ts';
import { subscribeWithPusherJs } from './pusher-js-subscriber.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { subscribeRaw } from './raw-subscriber.ts';

const app = { appId: '12', key: 'soketi-e2ee-key', secret: 'soketi-e2ee-secret' };
const masterKeyBase64 = randomBytes(32).toString('base64');
const masterKey = new Uint8Array(Buffer.from(masterKeyBase64, 'base64'));
const signer = new Pusher({ ...app, host: '127.0.0.1', encryptionMasterKeyBase64: masterKeyBase64 });

let soketi: RunningSoketi;
let proxy: RecordingProxy;
beforeAll(async () => {
  soketi = await startSoketi(app);
  proxy = await startRecordingProxy({ upstream: { host: soketi.host, port: soketi.port } });
});
afterAll(async () => {
  await proxy?.close();
  await soketi?.stop();
});

async function subscribers(channel: string) {
  const raw = await subscribeRaw({
    url: `ws://${soketi.host}:${soketi.port}/app/${app.key}?protocol=7&client=raw&version=0`,
    channel,
    sign: (socketId, name) => ({ auth: signer.authorizeChannel(socketId, name).auth }),
  });
  const client = await subscribeWithPusherJs({
    key: app.key,
    host: soketi.host,
    port: soketi.port,
    channel,
    event: 'message',
    authorize: async (socketId, name) => signer.authorizeChannel(socketId, name),
  });
  return { raw, client, close: () => (raw.close(), client.disconnect()) };
}

describe('soketi relay with the pusher-SDK publisher', () => {
  it('receives only ciphertext over HTTP and sends only ciphertext over WebSocket; pusher-js reads clear text', async () => {
    const channel = `private-encrypted-chat-${marker('conv')}`;
    const { raw, client, close } = await subscribers(channel);
    try {
      const publisher = createPusherPublisher({ ...app, host: proxy.host, port: proxy.port, useTLS: false, masterKey });
      const before = proxy.requests.length;
      const words = Array.from({ length: 15 }, (_, i) => marker(`s${i}x`));
      const messages = words.map((word, i) => ({ id: i + 1, sender: 'bot', text: `soketi reply ${i}: ${word}` }));
      for (const message of messages) await publisher.trigger(channel, 'message', message);

      expect(await client.waitFor(messages.length)).toEqual(messages);
      const frames = await raw.waitForEvents('message', messages.length);
      const bodies = proxy.requests.slice(before).map((request) => request.body);
      expect(bodies).toHaveLength(messages.length);
      expect(leakedMarkers(words, bodies)).toEqual([]);
      expect(leakedMarkers(words, raw.frames)).toEqual([]);
      const secret = channelSharedSecret(masterKey, channel);
      expect(frames.map((frame) => openEventData(secret, frame.data))).toEqual(messages);
    } finally {
      close();
    }
  });

  it("does not let one conversation's shared secret open another's events", async () => {
    const channelA = `private-encrypted-chat-${marker('a')}`;
    const channelB = `private-encrypted-chat-${marker('b')}`;
    const a = await subscribers(channelA);
    const b = await subscribers(channelB);
    try {
      const publisher = createPusherPublisher({ ...app, host: proxy.host, port: proxy.port, useTLS: false, masterKey });
      await publisher.trigger(channelA, 'message', { text: 'for A only' });
      await a.client.waitFor(1);
      const [frame] = await a.raw.waitForEvents('message', 1);
      expect(() => openEventData(channelSharedSecret(masterKey, channelB), frame!.data)).toThrow(/failed to open/);
      expect(b.client.received).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });
});
