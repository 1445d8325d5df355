import { randomBytes } from 'node:crypto';
import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { startMinimalRelay } from '../../test/encryption/minimal-relay.ts';
import { subscribeWithPusherJs, watchPusherJsLog } from '../../test/encryption/pusher-js-subscriber.ts';
import { startRecordingProxy } from '../../test/encryption/recording-proxy.ts';
import {
  channelSharedSecret,
  isEncryptedChannel,
  openEventData,
  parseMasterKey,
  sealEventData,
} from './channel-crypto.ts';

const masterKeyBase64 = randomBytes(32).toString('base64');
const masterKey = parseMasterKey(masterKeyBase64);
const app = { appId: '1', key: 'crypto-test-key', secret: 'crypto-test-secret' };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function sdk(port: number): Pusher {
  return new Pusher({ ...app, host: '127.0.0.1', port: String(port), useTLS: false, encryptionMasterKeyBase64: masterKeyBase64 });
}

describe('parseMasterKey', () => {
  it('accepts exactly 32 bytes of base64, with or without surrounding whitespace', () => {
    expect(parseMasterKey(`${masterKeyBase64}\n`)).toEqual(masterKey);
    expect(masterKey).toHaveLength(32);
  });

  it.each([
    ['empty', ''],
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['not base64', `${masterKeyBase64.slice(0, -4)}!!!!`],
    ['base64url alphabet', Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64url')],
  ])('rejects %s without echoing the key', (_name, value) => {
    expect(() => parseMasterKey(value)).toThrow(/master key/);
    try {
      parseMasterKey(value);
    } catch (error) {
      if (value) expect((error as Error).message).not.toContain(value);
    }
  });
});

describe('channel names and secrets', () => {
  it('recognises encrypted channels by their prefix only', () => {
    expect(isEncryptedChannel('private-encrypted-chat-1')).toBe(true);
    expect(isEncryptedChannel('private-chat-1')).toBe(false);
    expect(isEncryptedChannel('presence-encrypted-x')).toBe(false);
    expect(isEncryptedChannel('xprivate-encrypted-chat-1')).toBe(false);
  });

  it('derives the same shared_secret the pusher SDK hands to subscribers', () => {
    const pusher = sdk(1);
    for (const channel of ['private-encrypted-chat-abc', 'private-encrypted-chat-A_b=c@d,e.f;g-0']) {
      const { shared_secret } = pusher.authorizeChannel('123.456', channel);
      expect(Buffer.from(channelSharedSecret(masterKey, channel)).toString('base64')).toBe(shared_secret);
    }
  });

  it('refuses a master key of the wrong length', () => {
    expect(() => channelSharedSecret(new Uint8Array(31), 'private-encrypted-a')).toThrow(/32 bytes/);
  });
});

describe('sealing and opening', () => {
  const channel = 'private-encrypted-chat-one';
  const secret = channelSharedSecret(masterKey, channel);

  it('round-trips JSON values', () => {
    for (const data of [{ text: 'hello', n: 1, nested: [true, null] }, 'a string', 42, ['ü', '🙂']]) {
      expect(openEventData(secret, sealEventData(masterKey, channel, data))).toEqual(data);
    }
  });

  it('produces the wire shape {nonce, ciphertext} with a 24-byte nonce and no clear text', () => {
    const sealed = sealEventData(masterKey, channel, { text: 'zebra-marker' });
    expect(sealed).not.toContain('zebra-marker');
    const parsed = JSON.parse(sealed) as Record<string, string>;
    expect(Object.keys(parsed).sort()).toEqual(['ciphertext', 'nonce']);
    expect(Buffer.from(parsed.nonce!, 'base64')).toHaveLength(24);
  });

  it("does not open with another channel's secret", () => {
    const sealed = sealEventData(masterKey, channel, { text: 'for one only' });
    expect(() => openEventData(channelSharedSecret(masterKey, 'private-encrypted-chat-two'), sealed)).toThrow(/failed to open/);
  });

  it('does not open after any single bit of ciphertext or nonce is flipped', () => {
    const sealed = JSON.parse(sealEventData(masterKey, channel, { text: 'tamper me' })) as { nonce: string; ciphertext: string };
    for (const field of ['ciphertext', 'nonce'] as const) {
      const bytes = Buffer.from(sealed[field], 'base64');
      for (let bit = 0; bit < bytes.length * 8; bit += 7) {
        const flipped = Buffer.from(bytes);
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
        const tampered = JSON.stringify({ ...sealed, [field]: flipped.toString('base64') });
        expect(() => openEventData(secret, tampered)).toThrow(/failed to open/);
      }
    }
  });

  it.each([
    ['not JSON', 'nope'],
    ['missing nonce', JSON.stringify({ ciphertext: 'AAAA' })],
    ['numbers', JSON.stringify({ nonce: 1, ciphertext: 2 })],
    ['short nonce', JSON.stringify({ nonce: Buffer.alloc(8).toString('base64'), ciphertext: Buffer.alloc(32).toString('base64') })],
    ['short ciphertext', JSON.stringify({ nonce: Buffer.alloc(24).toString('base64'), ciphertext: 'AAAA' })],
    ['non-base64', JSON.stringify({ nonce: '@@@@', ciphertext: '@@@@' })],
  ])('rejects a malformed payload (%s) with a clear error', (_name, payload) => {
    expect(() => openEventData(secret, payload)).toThrow(/encrypted event/);
  });

  it('refuses undefined data and a wrong-size shared secret', () => {
    expect(() => sealEventData(masterKey, channel, undefined)).toThrow(/JSON/);
    expect(() => openEventData(new Uint8Array(16), sealEventData(masterKey, channel, 1))).toThrow(/32 bytes/);
  });

  it('never repeats a nonce in 10,000 seals', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 10_000; i++) nonces.add((JSON.parse(sealEventData(masterKey, channel, i)) as { nonce: string }).nonce);
    expect(nonces.size).toBe(10_000);
  });
});

describe('interoperability with the official clients', () => {
  it('opens what the pusher SDK seals (captured from the request it POSTs)', async () => {
    const relay = await startRecordingProxy();
    cleanups.push(() => relay.close());
    const channel = 'private-encrypted-chat-sdk';
    const data = { text: 'sealed by the SDK: gannet-7731', id: 'm1' };
    await sdk(relay.port).trigger(channel, 'message', data);

    expect(relay.requests).toHaveLength(1);
    const request = relay.requests[0]!;
    expect(request.url).toMatch(/^\/apps\/1\/events\?/);
    expect(request.body).not.toContain('gannet-7731');
    const event = JSON.parse(request.body) as { name: string; channels: string[]; data: string };
    expect(event.channels).toEqual([channel]);
    expect(openEventData(channelSharedSecret(masterKey, channel), event.data)).toEqual(data);
  });

  it('what we seal is opened by the real pusher-js client with the SDK-issued shared_secret', async () => {
    const relay = await startMinimalRelay(app.key, app.secret);
    cleanups.push(() => relay.close());
    const channel = 'private-encrypted-chat-pjs';
    const log = watchPusherJsLog();
    cleanups.push(() => log.stop());
    const subscriber = await subscribeWithPusherJs({
      key: app.key,
      host: '127.0.0.1',
      port: relay.port,
      channel,
      event: 'message',
      authorize: async (socketId, name) => sdk(1).authorizeChannel(socketId, name),
    });
    cleanups.push(() => subscriber.disconnect());
    await relay.subscribed(channel);

    const messages = [{ text: 'first puffin-4410' }, { text: 'zweite Möwe 🙂', n: 2 }];
    relay.push(channel, 'message', sealEventData(masterKey, channel, messages[0]));
    // Sealed for another channel: pusher-js re-authorizes once, still cannot open it, and drops it.
    relay.push(channel, 'message', sealEventData(masterKey, 'private-encrypted-chat-other', { text: 'never shown' }));
    relay.push(channel, 'message', sealEventData(masterKey, channel, messages[1]));
    expect(await subscriber.waitFor(2)).toEqual(messages);
    // The drop is decided (and logged) when the re-authorization is answered; only then would the
    // event have been emitted, so once it is logged, nothing more can arrive for it.
    await log.waitFor(/Dropping encrypted event/);
    expect(subscriber.received).toEqual(messages);
  });
});
