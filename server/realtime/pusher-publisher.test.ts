import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Pusher from 'pusher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscribeWithPusherJs } from '../../test/encryption/pusher-js-subscriber.ts';
import { startRecordingProxy } from '../../test/encryption/recording-proxy.ts';
import { startSoketi, type RunningSoketi } from '../../test/helpers/soketi.ts';
import { channelSharedSecret, openEventData } from './channel-crypto.ts';
import { createPusherPublisher } from './pusher-publisher.ts';

const masterKey = new Uint8Array(randomBytes(32));
const app = { appId: '7', key: 'publisher-key', secret: 'publisher-secret-do-not-leak' };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function publisherAt(port: number) {
  return createPusherPublisher({ ...app, host: '127.0.0.1', port, useTLS: false, masterKey });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createPusherPublisher against a recording relay', () => {
  it('lets the SDK seal encrypted events: the relay receives only ciphertext, openable with the channel secret', async () => {
    const relay = await startRecordingProxy();
    cleanups.push(() => relay.close());
    const channel = 'private-encrypted-chat-rec';
    await publisherAt(relay.port).trigger(channel, 'message', { text: 'kestrel-2207' });
    const [request] = relay.requests;
    expect(request!.url).toMatch(/^\/apps\/7\/events\?/);
    expect(request!.body).not.toContain('kestrel-2207');
    const event = JSON.parse(request!.body) as { data: string };
    expect(openEventData(channelSharedSecret(masterKey, channel), event.data)).toEqual({ text: 'kestrel-2207' });
  });

  it.each([400, 403, 413, 500, 503])('rejects on HTTP %i, without the secret or the signed URL in the message', async (status) => {
    const relay = await startRecordingProxy({ answer: { status, body: '{"error":"nope"}' } });
    cleanups.push(() => relay.close());
    const failure = await publisherAt(relay.port).trigger('private-encrypted-chat-x', 'message', { a: 1 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toContain(`HTTP ${status}`);
    expect(failure?.message).not.toMatch(/auth_signature|auth_key|publisher-secret|publisher-key/);
  });

  it('rejects when the relay is unreachable, naming the cause but not the signed URL', async () => {
    const failure = await publisherAt(await closedPort()).trigger('private-chat-x', 'message', {}).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/unreachable.*ECONNREFUSED/);
    expect(failure?.message).not.toMatch(/auth_signature|auth_key|127\.0\.0\.1/);
  });

  it('rejects invalid channel names as a rejection, not a synchronous throw', async () => {
    const relay = await startRecordingProxy();
    cleanups.push(() => relay.close());
    const publisher = publisherAt(relay.port);
    await expect(publisher.trigger('private-encrypted-a:b', 'message', {})).rejects.toThrow(/Invalid channel name/);
    await expect(publisher.trigger(`private-${'x'.repeat(200)}`, 'message', {})).rejects.toThrow(/too long/);
    expect(relay.requests).toHaveLength(0);
  });

  it('refuses a master key of the wrong length up front', () => {
    expect(() => createPusherPublisher({ ...app, host: '127.0.0.1', useTLS: false, masterKey: new Uint8Array(16) })).toThrow(
      /32 bytes/,
    );
  });

  it('ready() is a signed GET /channels that must answer 2xx', async () => {
    const ok = await startRecordingProxy({ answer: { status: 200, body: '{"channels":{}}' } });
    const refused = await startRecordingProxy({ answer: { status: 401, body: '{}' } });
    cleanups.push(() => ok.close(), () => refused.close());
    expect(await publisherAt(ok.port).ready()).toBe(true);
    expect(ok.requests[0]!.method).toBe('GET');
    expect(ok.requests[0]!.url).toMatch(/^\/apps\/7\/channels\?.*auth_signature=/);
    expect(await publisherAt(refused.port).ready()).toBe(false);
    expect(await publisherAt(await closedPort()).ready()).toBe(false);
  });

  it('ready() gives up on a relay that accepts the connection but never answers', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          silent.closeAllConnections();
          silent.close(resolve);
        }),
    );
    const started = Date.now();
    expect(await publisherAt((silent.address() as AddressInfo).port).ready()).toBe(false);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);
});

describe('createPusherPublisher against soketi', () => {
  let soketi: RunningSoketi;
  beforeAll(async () => {
    soketi = await startSoketi(app);
  });
  afterAll(async () => {
    await soketi?.stop();
  });

  it('is ready, and a real pusher-js subscriber reads what it publishes', async () => {
    const publisher = publisherAt(soketi.port);
    expect(await publisher.ready()).toBe(true);

    const channel = 'private-encrypted-chat-soketi';
    const sdkForAuth = createAuthSigner();
    const subscriber = await subscribeWithPusherJs({
      key: app.key,
      host: soketi.host,
      port: soketi.port,
      channel,
      event: 'message',
      authorize: async (socketId, name) => sdkForAuth.authorizeChannel(socketId, name),
    });
    cleanups.push(() => subscriber.disconnect());
    await publisher.trigger(channel, 'message', { text: 'over soketi heron-5521' });
    expect(await subscriber.waitFor(1)).toEqual([{ text: 'over soketi heron-5521' }]);
  });

  it('rejects when soketi refuses the credentials', async () => {
    const wrong = createPusherPublisher({ ...app, secret: 'not-the-secret', host: soketi.host, port: soketi.port, useTLS: false, masterKey });
    await expect(wrong.trigger('private-chat-x', 'message', {})).rejects.toThrow(/HTTP 401/);
    expect(await wrong.ready()).toBe(false);
  });
});

function createAuthSigner() {
  // The auth endpoint's job, done by the SDK itself: signature plus the channel's shared_secret.
  return new Pusher({ ...app, host: '127.0.0.1', encryptionMasterKeyBase64: Buffer.from(masterKey).toString('base64') });
}
