import { randomBytes } from 'node:crypto';
import Pusher from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { startMinimalRelay } from '../../test/encryption/minimal-relay.ts';
import { subscribeWithPusherJs } from '../../test/encryption/pusher-js-subscriber.ts';
import { channelSharedSecret, openEventData } from './channel-crypto.ts';
import { createInProcessPublisher, type InProcessRealtime } from './in-process-publisher.ts';

const masterKeyBase64 = randomBytes(32).toString('base64');
const masterKey = new Uint8Array(Buffer.from(masterKeyBase64, 'base64'));
const app = { appId: '1', key: 'in-process-key', secret: 'in-process-secret' };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Published {
  channels: string[];
  event: string;
  data: string;
}

function recordingRealtime(): InProcessRealtime & { published: Published[] } {
  const published: Published[] = [];
  return {
    published,
    publish: (channels, event, data) => void published.push({ channels, event, data }),
    connectionCount: () => 0,
  };
}

describe('createInProcessPublisher', () => {
  it('seals events on encrypted channels so the realtime server never sees clear text', async () => {
    const realtime = recordingRealtime();
    const channel = 'private-encrypted-chat-c1';
    await createInProcessPublisher(realtime, masterKey).trigger(channel, 'message', { text: 'ocelot-5512' });
    expect(realtime.published).toHaveLength(1);
    const [sent] = realtime.published;
    expect(sent!.channels).toEqual([channel]);
    expect(sent!.event).toBe('message');
    expect(sent!.data).not.toContain('ocelot-5512');
    expect(openEventData(channelSharedSecret(masterKey, channel), sent!.data)).toEqual({ text: 'ocelot-5512' });
  });

  it('sends other channels as the pusher SDK does: JSON, strings verbatim', async () => {
    const realtime = recordingRealtime();
    const publisher = createInProcessPublisher(realtime, masterKey);
    await publisher.trigger('private-chat-c1', 'message', { text: 'plain' });
    await publisher.trigger('public-news', 'note', 'already a string');
    expect(realtime.published.map((p) => p.data)).toEqual(['{"text":"plain"}', 'already a string']);
  });

  it.each([
    ['empty channel', '', 'message'],
    ['colon in channel (auth-string injection)', 'private-encrypted-chat-a:b', 'message'],
    ['201-character channel', `private-encrypted-${'x'.repeat(183)}`, 'message'],
    ['empty event', 'private-encrypted-chat-a', ''],
  ])('rejects %s with a clear error and publishes nothing', async (_name, channel, event) => {
    const realtime = recordingRealtime();
    await expect(createInProcessPublisher(realtime, masterKey).trigger(channel, event, {})).rejects.toThrow(/channel|event/);
    expect(realtime.published).toHaveLength(0);
  });

  it('rejects data that cannot be serialised instead of throwing out of band', async () => {
    const realtime = recordingRealtime();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const publisher = createInProcessPublisher(realtime, masterKey);
    await expect(publisher.trigger('private-encrypted-chat-a', 'message', circular)).rejects.toThrow();
    await expect(publisher.trigger('private-chat-a', 'message', undefined)).rejects.toThrow(/JSON/);
    expect(realtime.published).toHaveLength(0);
  });

  it('rejects when the realtime server refuses the publish', async () => {
    const realtime: InProcessRealtime = {
      publish: () => {
        throw new Error('server closed');
      },
      connectionCount: () => 0,
    };
    await expect(createInProcessPublisher(realtime, masterKey).trigger('private-chat-a', 'm', {})).rejects.toThrow('server closed');
  });

  it('is ready while the server is open, and not after', async () => {
    let open = true;
    const withFlag = createInProcessPublisher({ ...recordingRealtime(), isOpen: () => open }, masterKey);
    expect(await withFlag.ready()).toBe(true);
    open = false;
    expect(await withFlag.ready()).toBe(false);

    let closed = false;
    const withoutFlag = createInProcessPublisher(
      {
        publish: () => undefined,
        connectionCount: () => {
          if (closed) throw new Error('closed');
          return 3;
        },
      },
      masterKey,
    );
    expect(await withoutFlag.ready()).toBe(true);
    closed = true;
    expect(await withoutFlag.ready()).toBe(false);
  });

  it('delivers to a real pusher-js subscriber, which opens the events with its shared_secret', async () => {
    const relay = await startMinimalRelay(app.key, app.secret);
    cleanups.push(() => relay.close());
    const sdk = new Pusher({ ...app, host: '127.0.0.1', encryptionMasterKeyBase64: masterKeyBase64 });
    const channel = 'private-encrypted-chat-live';
    const subscriber = await subscribeWithPusherJs({
      key: app.key,
      host: '127.0.0.1',
      port: relay.port,
      channel,
      event: 'message',
      authorize: async (socketId, name) => sdk.authorizeChannel(socketId, name),
    });
    cleanups.push(() => subscriber.disconnect());
    await relay.subscribed(channel);

    const publisher = createInProcessPublisher(
      {
        publish: (channels, event, data) => channels.forEach((name) => relay.push(name, event, data)),
        connectionCount: () => 1,
      },
      masterKey,
    );
    await publisher.trigger(channel, 'message', { id: 1, text: 'hello lynx-0931' });
    await publisher.trigger(channel, 'message', { id: 2, text: 'second' });
    expect(await subscriber.waitFor(2)).toEqual([
      { id: 1, text: 'hello lynx-0931' },
      { id: 2, text: 'second' },
    ]);
  });
});
