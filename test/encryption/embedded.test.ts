// The embedded realtime server relays only ciphertext on a conversation's encrypted channel: a raw
// subscriber records every frame it is sent and finds none of the marker words, while a real
// pusher-js client on the same channel, holding the shared secret, reads every message in clear.
import { randomBytes } from 'node:crypto';
import Pusher from 'pusher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSharedSecret, openEventData, sealEventData } from '../../server/realtime/channel-crypto.ts';
import { startStandaloneRealtime, type StandaloneRealtime } from '../../server/realtime/embedded/index.ts';
import { createInProcessPublisher } from '../../server/realtime/in-process-publisher.ts';
import { createPusherPublisher } from '../../server/realtime/pusher-publisher.ts';
import type { Publisher } from '../../server/realtime/publisher.ts';
import { leakedMarkers, marker } from './markers.ts';
import { subscribeWithPusherJs, watchPusherJsLog, type PusherJsSubscriber } from './pusher-js-subscriber.ts';
import { subscribeRaw, type RawSubscriber } from './raw-subscriber.ts';

const app = { appId: '11', key: 'embedded-e2ee-key', secret: 'embedded-e2ee-secret' };
const masterKeyBase64 = randomBytes(32).toString('base64');
const masterKey = new Uint8Array(Buffer.from(masterKeyBase64, 'base64'));
// The auth endpoint's signing, done by the SDK: signature plus (for pusher-js only) shared_secret.
const signer = new Pusher({ ...app, host: '127.0.0.1', encryptionMasterKeyBase64: masterKeyBase64 });

let server: StandaloneRealtime;
beforeAll(async () => {
  server = await startStandaloneRealtime(app);
});
afterAll(async () => {
  await server?.stop();
});

async function listeners(channel: string): Promise<{ raw: RawSubscriber; client: PusherJsSubscriber; close(): void }> {
  const raw = await subscribeRaw({
    url: `ws://127.0.0.1:${server.port}/app/${app.key}?protocol=7&client=raw&version=0`,
    channel,
    // Only the signature: the raw subscriber plays the relay's side and never holds the key.
    sign: (socketId, name) => ({ auth: signer.authorizeChannel(socketId, name).auth }),
  });
  const client = await subscribeWithPusherJs({
    key: app.key,
    host: '127.0.0.1',
    port: server.port,
    channel,
    event: 'message',
    authorize: async (socketId, name) => signer.authorizeChannel(socketId, name),
  });
  return {
    raw,
    client,
    close() {
      raw.close();
      client.disconnect();
    },
  };
}

async function converse(publisher: Publisher, channel: string, count: number) {
  const words = Array.from({ length: count }, (_, i) => marker(`m${i}x`));
  const messages = words.map((word, i) => ({ id: i + 1, sender: 'bot', text: `reply number ${i} says ${word}` }));
  for (const message of messages) await publisher.trigger(channel, 'message', message);
  return { words, messages };
}

describe.each([
  ['in-process publisher', () => createInProcessPublisher(server.realtime, masterKey)],
  [
    'pusher SDK over the embedded HTTP API',
    () => createPusherPublisher({ ...app, host: '127.0.0.1', port: server.port, useTLS: false, masterKey }),
  ],
])('embedded server, %s', (_name, makePublisher) => {
  it('sends the raw subscriber only ciphertext, while pusher-js shows every message in clear', async () => {
    const channel = `private-encrypted-chat-${marker('conv')}`;
    const { raw, client, close } = await listeners(channel);
    try {
      const { words, messages } = await converse(makePublisher(), channel, 20);

      expect(await client.waitFor(messages.length)).toEqual(messages);
      const delivered = await raw.waitForEvents('message', messages.length);
      expect(leakedMarkers(words, raw.frames)).toEqual([]);
      // Same events, not merely other frames: each opens with the channel's secret to the message.
      const secret = channelSharedSecret(masterKey, channel);
      expect(delivered.map((frame) => openEventData(secret, frame.data))).toEqual(messages);
    } finally {
      close();
    }
  });

  it("does not let one conversation's shared secret open another's events", async () => {
    const channelA = `private-encrypted-chat-${marker('a')}`;
    const channelB = `private-encrypted-chat-${marker('b')}`;
    const a = await listeners(channelA);
    const b = await listeners(channelB);
    try {
      const { messages } = await converse(makePublisher(), channelA, 3);
      await a.client.waitFor(3);
      const framesOfA = await a.raw.waitForEvents('message', 3);
      const secretOfB = channelSharedSecret(masterKey, channelB);
      for (const frame of framesOfA) expect(() => openEventData(secretOfB, frame.data)).toThrow(/failed to open/);
      expect(framesOfA.map((frame) => openEventData(channelSharedSecret(masterKey, channelA), frame.data))).toEqual(messages);
      // And conversation B's subscribers were sent nothing of A's.
      expect(b.client.received).toEqual([]);
      expect(b.raw.frames.filter((frame) => frame.includes('"message"'))).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('embedded server, client events on an encrypted channel', () => {
  it('are not relayed to the other subscribers', async () => {
    const channel = `private-encrypted-chat-${marker('ce')}`;
    const { raw, client, close } = await listeners(channel);
    const peer = await subscribeRaw({
      url: `ws://127.0.0.1:${server.port}/app/${app.key}?protocol=7&client=raw&version=0`,
      channel,
      sign: (socketId, name) => ({ auth: signer.authorizeChannel(socketId, name).auth }),
    });
    try {
      const word = marker('client');
      raw.send({ event: 'client-message', channel, data: { text: word } });
      // A control event published after it: once it has arrived, the client event would have too.
      await createInProcessPublisher(server.realtime, masterKey).trigger(channel, 'message', { text: 'control' });
      await client.waitFor(1);
      await peer.waitForEvents('message', 1);
      expect(leakedMarkers([word], peer.frames)).toEqual([]);
      expect(client.received).toEqual([{ text: 'control' }]);
      // The sender is told why, with a pusher:error frame.
      expect(raw.frames.some((frame) => JSON.parse(frame).event === 'pusher:error')).toBe(true);
    } finally {
      close();
      peer.close();
    }
  });
});

describe('embedded server, a relay that alters an event', () => {
  it('gets the altered event dropped by pusher-js; the events around it still arrive', async () => {
    const channel = `private-encrypted-chat-${marker('tamper')}`;
    const log = watchPusherJsLog();
    const { client, close } = await listeners(channel);
    try {
      const sealed = JSON.parse(sealEventData(masterKey, channel, { id: 2, text: 'altered in transit' })) as {
        nonce: string;
        ciphertext: string;
      };
      const bytes = Buffer.from(sealed.ciphertext, 'base64');
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
      const publisher = createInProcessPublisher(server.realtime, masterKey);
      await publisher.trigger(channel, 'message', { id: 1, text: 'before' });
      // What a compromised relay could do: forward the event with one bit of its ciphertext flipped.
      server.realtime.publish([channel], 'message', JSON.stringify({ ...sealed, ciphertext: bytes.toString('base64') }));
      await publisher.trigger(channel, 'message', { id: 3, text: 'after' });
      await client.waitFor(2);
      // pusher-js re-authorizes for the bad event and decides its fate when the new key is in:
      // it logs the drop at that moment, and would have emitted the event there instead.
      await log.waitFor(/Dropping encrypted event/);
      expect(client.received).toEqual([
        { id: 1, text: 'before' },
        { id: 3, text: 'after' },
      ]);
    } finally {
      log.stop();
      close();
    }
  });
});
