// One Pusher-protocol conformance suite, run against the embedded server and against soketi with
// the same assertions, driven by the real pusher-js client and the real pusher SDK. Where soketi
// departs from Pusher's documentation the embedded server follows the documentation, and the
// difference is recorded in `expected` below rather than hidden.
import type Pusher from 'pusher';
import type PusherJS from 'pusher-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  channelAuth,
  connected,
  pusherJsFor,
  rawSocket,
  sdkFor,
  signedRequest,
  signedUrl,
  roundTrip,
  subscribed,
  subscriptionOutcome,
  type RawSocket,
} from './clients.ts';
import { targets, testApp, type RunningTarget, type TargetName } from './targets.ts';

interface Expectations {
  /** activity_timeout in connection_established (Pusher recommends 120 s; soketi sends 30). */
  activityTimeout: number;
  /** Pusher answers an unparseable frame with pusher:error; soketi drops it silently. */
  answersInvalidJson: boolean;
  /** Pusher's docs: channel names are at most 164 chars; soketi allows 200. */
  refuses165CharChannel: boolean;
  /** Pusher's HTTP API rejects auth_timestamp more than 600 s away; soketi does not check it. */
  refusesStaleSignature: boolean;
  /** soketi validates no channel name on the HTTP API. */
  refusesBadChannelOverHttp: boolean;
  /** Channels one socket may hold; soketi has no cap. */
  subscriptionCap: number | undefined;
  /** The protocol documents no code for disabled client events; soketi uses 4301 (its rate-limit code). */
  clientEventErrorCode: number | null;
  /** Close code for a 1 MB frame: RFC 6455's 1009 "message too big". soketi reads it whole, keeps the socket open and echoes the 1 MB name back. */
  oversizeCloseCode: number | undefined;
  /** Pusher checks auth_key names the app; soketi signs with the query's auth_key and so accepts any key with the right secret. */
  checksAuthKey: boolean;
  /** A correctly signed request whose body is not JSON: 400; soketi answers 401 (it signs an empty body instead). */
  unparseableBodyStatus: number;
  /**
   * soketi 1.6.1 (with the uWS build it runs on here) answers every HTTP API refusal with status 200
   * and puts the real status in the JSON body's `code`; the refusal itself holds (nothing is published).
   */
  statusOnlyInBody: boolean;
  /**
   * soketi 1.6.1 shuts itself down (uncaughtException, then its graceful stop, 4200 to everyone)
   * on one pusher:subscribe or pusher:unsubscribe frame without an object `data`.
   */
  survivesMalformedSubscribe: boolean;
}

const expected: Record<TargetName, Expectations> = {
  embedded: {
    activityTimeout: 120,
    answersInvalidJson: true,
    refuses165CharChannel: true,
    refusesStaleSignature: true,
    refusesBadChannelOverHttp: true,
    subscriptionCap: 100,
    clientEventErrorCode: null,
    oversizeCloseCode: 1009,
    survivesMalformedSubscribe: true,
    statusOnlyInBody: false,
    checksAuthKey: true,
    unparseableBodyStatus: 400,
  },
  soketi: {
    activityTimeout: 30,
    answersInvalidJson: false,
    refuses165CharChannel: false,
    refusesStaleSignature: false,
    refusesBadChannelOverHttp: false,
    subscriptionCap: undefined,
    clientEventErrorCode: 4301,
    oversizeCloseCode: undefined,
    survivesMalformedSubscribe: false,
    statusOnlyInBody: true,
    checksAuthKey: false,
    unparseableBodyStatus: 401,
  },
};

let unique = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++unique}`;

describe.each(targets)('Pusher protocol conformance: $name', (target) => {
  const app = testApp();
  const want = expected[target.name];
  let server: RunningTarget;
  let sdk: Pusher;
  const clients: PusherJS[] = [];
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    server = await target.start(app);
    sdk = sdkFor(app, server.port);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of sockets.splice(0)) s.close();
  });

  const js = () => {
    const client = pusherJsFor(app, server.port, sdk);
    clients.push(client);
    return client;
  };
  const raw = async (key = app.key) => {
    const socket = await rawSocket(server.port, key, { expectEstablished: key === app.key });
    sockets.push(socket);
    return socket;
  };
  /** A raw subscriber on a private channel, to prove what does (and does not) reach others. */
  const watcher = async (channel: string) => {
    const socket = await raw();
    socket.subscribe(channel, channelAuth(app, socket.socketId, channel));
    expect(await subscriptionOutcome(socket, channel)).toBe('succeeded');
    return socket;
  };
  const eventsOf = (socket: RawSocket, event: string) => socket.messages.filter((m) => m.event === event);
  /** Publishes a canary and waits for it, so everything sent earlier has been delivered or dropped. */
  const flush = async (socket: RawSocket, channel: string) => {
    const event = fresh('canary');
    await sdk.trigger(channel, event, {});
    await socket.next((m) => m.event === event);
  };
  const canaries = (socket: RawSocket) => socket.messages.filter((m) => m.event.startsWith('canary-'));

  describe('connection', () => {
    it('sends connection_established with a well-formed socket_id and activity_timeout', async () => {
      const socket = await raw();
      expect(socket.socketId).toMatch(/^\d+\.\d+$/);
      const established = socket.messages[0];
      expect(typeof established?.data).toBe('string');
      expect(JSON.parse(established?.data as string)).toEqual({ socket_id: socket.socketId, activity_timeout: want.activityTimeout });
    });

    it('gives every connection its own socket_id', async () => {
      const ids = await Promise.all([raw(), raw(), raw()]).then((s) => s.map((x) => x.socketId));
      expect(new Set(ids).size).toBe(3);
    });

    it('answers pusher:ping with pusher:pong', async () => {
      const socket = await raw();
      socket.send({ event: 'pusher:ping', data: {} });
      await socket.next((m) => m.event === 'pusher:pong');
    });

    it('refuses an unknown app key with pusher:error 4001 and closes with 4001', async () => {
      const socket = await raw('no-such-key');
      const error = await socket.next((m) => m.event === 'pusher:error');
      expect((error.data as { code: number }).code).toBe(4001);
      expect(await socket.closed).toBe(4001);
    });

    it('connects the real pusher-js client', async () => {
      const socketId = await connected(js());
      expect(socketId).toMatch(/^\d+\.\d+$/);
    });
  });

  describe('channels and delivery', () => {
    it('delivers SDK events to pusher-js on public and private channels', async () => {
      const client = js();
      const [pub, priv] = [fresh('public'), fresh('private-chat')];
      await Promise.all([subscribed(client, pub), subscribed(client, priv)]);
      const got = (channel: string) =>
        new Promise<unknown>((resolve) => client.channel(channel).bind('message', (data: unknown) => resolve(data)));
      const both = Promise.all([got(pub), got(priv)]);
      await sdk.trigger(pub, 'message', { text: 'hello public' });
      await sdk.trigger(priv, 'message', { text: 'hello private' });
      expect(await both).toEqual([{ text: 'hello public' }, { text: 'hello private' }]);
    });

    it('relays private-encrypted- channels as ciphertext that only pusher-js with the shared secret opens', async () => {
      const channel = fresh('private-encrypted-chat');
      const client = js();
      await subscribed(client, channel);
      const spy = await watcher(channel);
      const marker = `secret-marker-${fresh('m')}`;
      const received = new Promise<unknown>((resolve) => client.channel(channel).bind('message', (d: unknown) => resolve(d)));
      await sdk.trigger(channel, 'message', { text: marker });
      expect(await received).toEqual({ text: marker });
      const relayed = await spy.next((m) => m.event === 'message');
      expect(Object.keys(JSON.parse(relayed.data as string) as object).sort()).toEqual(['ciphertext', 'nonce']);
      expect(spy.frames.join('\n')).not.toContain(marker);
    });

    it('triggers one event on several channels', async () => {
      const [a, b] = [fresh('private-multi'), fresh('private-multi')];
      const [wa, wb] = await Promise.all([watcher(a), watcher(b)]);
      await sdk.trigger([a, b], 'message', { n: 1 });
      await Promise.all([wa.next((m) => m.event === 'message' && m.channel === a), wb.next((m) => m.event === 'message' && m.channel === b)]);
    });

    it('excludes the socket named by socket_id', async () => {
      const channel = fresh('private-exclude');
      const [sender, other] = [js(), js()];
      await Promise.all([subscribed(sender, channel), subscribed(other, channel)]);
      const senderGot: unknown[] = [];
      sender.channel(channel).bind('message', (d: unknown) => senderGot.push(d));
      const otherGot = new Promise<unknown>((resolve) => other.channel(channel).bind('message', (d: unknown) => resolve(d)));
      await sdk.trigger(channel, 'message', { n: 1 }, { socket_id: sender.connection.socket_id });
      expect(await otherGot).toEqual({ n: 1 });
      const probe = new Promise<void>((resolve) => sender.channel(channel).bind('after', () => resolve()));
      await sdk.trigger(channel, 'after', {});
      await probe;
      expect(senderGot).toEqual([]);
    });

    it('stops delivering after pusher:unsubscribe', async () => {
      const channel = fresh('private-unsub');
      const socket = await watcher(channel);
      socket.send({ event: 'pusher:unsubscribe', data: { channel } });
      await roundTrip(socket); // the unsubscribe has been handled
      const keeper = await watcher(channel);
      await flush(keeper, channel);
      expect(canaries(socket)).toEqual([]);
    });
  });

  describe('subscription authorization', () => {
    it('refuses a private channel without auth, with tampered auth, or with auth for another socket or channel', async () => {
      const channel = fresh('private-guarded');
      const keeper = await watcher(channel);
      const other = await raw();
      const attempts: Array<(s: RawSocket) => string | undefined> = [
        () => undefined,
        (s) => channelAuth(app, s.socketId, channel).replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        () => channelAuth(app, other.socketId, channel),
        (s) => channelAuth(app, s.socketId, fresh('private-other')),
        (s) => `${app.key}:${channelAuth({ ...app, secret: 'wrong-secret' }, s.socketId, channel).split(':')[1]}`,
        (s) => channelAuth(app, `${s.socketId}:${channel}`, channel),
      ];
      const intruders: RawSocket[] = [];
      for (const auth of attempts) {
        const intruder = await raw();
        intruders.push(intruder);
        intruder.subscribe(channel, auth(intruder));
        expect(await subscriptionOutcome(intruder, channel)).toBe('refused');
      }
      await flush(keeper, channel);
      for (const intruder of intruders) expect(canaries(intruder)).toEqual([]);
    });

    it('refuses private-encrypted- channels without a valid signature too', async () => {
      const channel = fresh('private-encrypted-guarded');
      const socket = await raw();
      socket.subscribe(channel, `${app.key}:${'0'.repeat(64)}`);
      expect(await subscriptionOutcome(socket, channel)).toBe('refused');
    });

    it('reports a refused pusher-js subscription as pusher:subscription_error', async () => {
      // An auth endpoint that signs another channel than the one asked for.
      const client = pusherJsFor(app, server.port, sdk, (socketId, name) => sdk.authorizeChannel(socketId, `${name}-other`));
      clients.push(client);
      const channel = client.subscribe(fresh('private-forged'));
      const outcome = await new Promise<string>((resolve) => {
        channel.bind('pusher:subscription_error', () => resolve('refused'));
        channel.bind('pusher:subscription_succeeded', () => resolve('succeeded'));
      });
      expect(outcome).toBe('refused');
    });

    it('refuses bad channel names on subscribe, per the documented charset and length', async () => {
      const socket = await raw();
      const badCharset = 'private-chat:other';
      socket.subscribe(badCharset, channelAuth(app, socket.socketId, badCharset));
      expect(await subscriptionOutcome(socket, badCharset)).toBe('refused');
      const long = `private-${'a'.repeat(157)}`;
      expect(long).toHaveLength(165);
      socket.subscribe(long, channelAuth(app, socket.socketId, long));
      expect(await subscriptionOutcome(socket, long)).toBe(want.refuses165CharChannel ? 'refused' : 'succeeded');
      const tooLong = `private-${'a'.repeat(200)}`;
      socket.subscribe(tooLong, channelAuth(app, socket.socketId, tooLong));
      expect(await subscriptionOutcome(socket, tooLong)).toBe('refused');
    });
  });

  describe('client events', () => {
    it('refuses client events and relays none of them', async () => {
      const channel = fresh('private-client');
      const keeper = await watcher(channel);
      const sender = await watcher(channel);
      sender.send({ event: 'client-typing', channel, data: { spoof: true } });
      const error = await sender.next((m) => m.event === 'pusher:error');
      expect((error.data as { code: number | null }).code).toBe(want.clientEventErrorCode);
      await flush(keeper, channel);
      expect(eventsOf(keeper, 'client-typing')).toEqual([]);
    });

    it('refuses client events on private-encrypted- channels', async () => {
      const channel = fresh('private-encrypted-client');
      const keeper = await watcher(channel);
      const sender = await watcher(channel);
      sender.send({ event: 'client-message', channel, data: 'plaintext on an encrypted channel' });
      await sender.next((m) => m.event === 'pusher:error');
      await flush(keeper, channel);
      expect(eventsOf(keeper, 'client-message')).toEqual([]);
    });
  });

  describe('hostile frames', () => {
    it('survives invalid JSON frames and keeps the connection usable', async () => {
      const socket = await raw();
      for (const frame of ['{', 'null', '[]', '"pusher:ping"', '{"event":42}', '\u0000\u00ff', '{"event":"pusher:none"}']) {
        socket.send(frame);
      }
      socket.send({ event: 'pusher:ping', data: {} });
      await socket.next((m) => m.event === 'pusher:pong');
      expect(eventsOf(socket, 'pusher:error').length > 0).toBe(want.answersInvalidJson);
    });

    it('survives pusher:subscribe and pusher:unsubscribe frames without object data', async () => {
      const frames = [
        '{"event":"pusher:subscribe","data":null}',
        '{"event":"pusher:subscribe"}',
        '{"event":"pusher:subscribe","data":{}}',
        '{"event":"pusher:unsubscribe"}',
        '{"event":"pusher:unsubscribe","data":7}',
      ];
      // Each on its own server: on soketi any one of them stops the whole server.
      for (const frame of frames) {
        const own = await target.start(app);
        try {
          const bystander = await rawSocket(own.port, app.key);
          const attacker = await rawSocket(own.port, app.key);
          attacker.send(frame);
          // A server that survives answers the attacker's next ping, so the frame has been handled
          // and the bystander's ping must be answered too; soketi instead shuts down (on the next
          // tick of its event loop), which the bystander sees as its socket closing.
          const outcome = want.survivesMalformedSubscribe
            ? await roundTrip(attacker).then(() => roundTrip(bystander)).then(() => 'alive')
            : await bystander.closed.then((code) => `closed ${code}`);
          expect({ frame, outcome }).toEqual({ frame, outcome: want.survivesMalformedSubscribe ? 'alive' : 'closed 4200' });
          attacker.close();
          bystander.close();
        } finally {
          await own.stop();
        }
      }
    });

    it('refuses a 1 MB frame, and nobody else notices', async () => {
      const channel = fresh('private-big');
      const keeper = await watcher(channel);
      const attacker = await raw();
      attacker.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: `private-${'x'.repeat(1024 * 1024)}` } }));
      if (want.oversizeCloseCode !== undefined) {
        expect(await attacker.closed).toBe(want.oversizeCloseCode);
      } else {
        expect(await subscriptionOutcome(attacker, `private-${'x'.repeat(1024 * 1024)}`)).toBe('refused');
      }
      await flush(keeper, channel);
      const newcomer = await raw();
      expect(newcomer.socketId).toMatch(/^\d+\.\d+$/);
    });

    it('withstands thousands of subscribes on one socket', async () => {
      const channel = fresh('private-flood-watch');
      const keeper = await watcher(channel);
      const flooder = await raw();
      const prefix = fresh('flood');
      const count = 3000;
      for (let i = 0; i < count; i++) flooder.send({ event: 'pusher:subscribe', data: { channel: `${prefix}-${i}` } });
      flooder.send({ event: 'pusher:ping', data: {} });
      await flooder.next((m) => m.event === 'pusher:pong', 15_000);
      const succeeded = eventsOf(flooder, 'pusher_internal:subscription_succeeded').length;
      expect(succeeded).toBe(want.subscriptionCap ?? count);
      await flush(keeper, channel);
    });
  });

  describe('HTTP API', () => {
    const event = (channel: string, marker: string) => JSON.stringify({ name: 'message', channels: [channel], data: JSON.stringify({ marker }) });
    /** The status the server answered with (for soketi: the one it writes into the body). */
    const statusOf = async (res: { status: number; body: string } | Response): Promise<number> => {
      const body = res instanceof Response ? await res.text() : res.body;
      if (!want.statusOnlyInBody || res.status !== 200) return res.status;
      try {
        const code = (JSON.parse(body) as { code?: unknown }).code;
        return typeof code === 'number' ? code : res.status;
      } catch {
        return res.status;
      }
    };
    const post = async (path: string, body: string, extra: Partial<Parameters<typeof signedRequest>[2]> = {}) =>
      statusOf(await signedRequest(app, server.port, { method: 'POST', path, body, ...extra }));
    const events = `/apps/${app.appId}/events`;

    it('publishes a correctly signed raw request', async () => {
      const channel = fresh('private-raw');
      const keeper = await watcher(channel);
      expect(await post(events, event(channel, 'ok'))).toBe(200);
      await keeper.next((m) => m.event === 'message' && String(m.data).includes('ok'));
    });

    it('answers 401 and publishes nothing for wrong, tampered or missing signatures', async () => {
      const channel = fresh('private-forged-http');
      const keeper = await watcher(channel);
      const body = event(channel, 'FORGED-BODY');
      const url = signedUrl(app, server.port, { method: 'POST', path: events, body });
      const cases: Array<Promise<number>> = [
        post(events, body, { signWith: { key: app.key, secret: 'wrong-secret' } }),
        // A valid signature for a different body (replayed signature, swapped body).
        post(events, body, { bodyMd5: 'd41d8cd98f00b204e9800998ecf8427e' }),
        fetch(url, { method: 'POST', body: event(channel, 'SWAPPED-BODY'), headers: { 'content-type': 'application/json' } }).then(statusOf),
        fetch(url.replace(/auth_signature=[0-9a-f]+/, 'auth_signature=' + '0'.repeat(64)), { method: 'POST', body }).then(statusOf),
        fetch(url.replace(/&auth_signature=[0-9a-f]+/, ''), { method: 'POST', body }).then(statusOf),
      ];
      expect(await Promise.all(cases)).toEqual(cases.map(() => 401));
      await flush(keeper, channel);
      expect(keeper.frames.join('\n')).not.toMatch(/FORGED-BODY|SWAPPED-BODY/);
    });

    it('refuses a request signed under another auth_key', async () => {
      const channel = fresh('private-other-key');
      const keeper = await watcher(channel);
      const status = await post(events, event(channel, 'OTHER-KEY-BODY'), { signWith: { key: 'other-key', secret: app.secret } });
      expect(status).toBe(want.checksAuthKey ? 401 : 200);
      await flush(keeper, channel);
      expect(keeper.frames.join('\n').includes('OTHER-KEY-BODY')).toBe(!want.checksAuthKey);
    });

    it('refuses stale signatures (auth_timestamp outside ±600 s)', async () => {
      const channel = fresh('private-stale');
      const keeper = await watcher(channel);
      const now = Math.floor(Date.now() / 1000);
      const stale = await post(events, event(channel, 'STALE-BODY'), { timestamp: now - 605 });
      const future = await post(events, event(channel, 'FUTURE-BODY'), { timestamp: now + 605 });
      const status = want.refusesStaleSignature ? 401 : 200;
      expect([stale, future]).toEqual([status, status]);
      await flush(keeper, channel);
      expect(keeper.frames.join('\n').includes('STALE-BODY')).toBe(!want.refusesStaleSignature);
    });

    it('enforces the documented size and name limits', async () => {
      const channel = fresh('private-limits');
      const big = JSON.stringify({ name: 'message', channels: [channel], data: 'x'.repeat(10 * 1024 + 1) });
      expect(await post(events, big)).toBe(413);
      const justRight = JSON.stringify({ name: 'message', channels: [channel], data: 'x'.repeat(10 * 1024 - 16) });
      expect(await post(events, justRight)).toBe(200);
      const channels = Array.from({ length: 101 }, (_, i) => `${channel}-${i}`);
      expect(await post(events, JSON.stringify({ name: 'm', channels, data: '{}' }))).toBe(400);
      expect(await post(events, JSON.stringify({ name: 'm'.repeat(201), channels: [channel], data: '{}' }))).toBe(400);
      const batch = Array.from({ length: 11 }, () => ({ channel, name: 'm', data: '{}' }));
      expect(await post(`/apps/${app.appId}/batch_events`, JSON.stringify({ batch }))).toBe(400);
      const badName = await post(events, JSON.stringify({ name: 'm', channels: ['private-a:b'], data: '{}' }));
      expect(badName).toBe(want.refusesBadChannelOverHttp ? 400 : 200);
      expect(await post(events, '{not json')).toBe(want.unparseableBodyStatus);
    });

    it('publishes batch_events through the SDK', async () => {
      const [a, b] = [fresh('private-batch'), fresh('private-batch')];
      const [wa, wb] = await Promise.all([watcher(a), watcher(b)]);
      await sdk.triggerBatch([
        { channel: a, name: 'message', data: { to: 'a' } },
        { channel: b, name: 'message', data: { to: 'b' } },
      ]);
      await wa.next((m) => m.event === 'message' && String(m.data).includes('"to":"a"'));
      await wb.next((m) => m.event === 'message' && String(m.data).includes('"to":"b"'));
    });

    it('reports channel info through the SDK', async () => {
      const channel = fresh('private-info');
      const empty = await sdk.get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } });
      expect(((await empty.json()) as { occupied: boolean }).occupied).toBe(false);
      await watcher(channel);
      await watcher(channel);
      const info = (await (await sdk.get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } })).json()) as {
        occupied: boolean;
        subscription_count: number;
      };
      expect(info).toMatchObject({ occupied: true, subscription_count: 2 });
      const list = (await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'private-info' } })).json()) as {
        channels: Record<string, unknown>;
      };
      expect(Object.keys(list.channels)).toContain(channel);
      const unsigned = await fetch(`http://127.0.0.1:${server.port}/apps/${app.appId}/channels`);
      expect(await statusOf(unsigned)).toBe(401);
    });
  });

  it('tells connected clients to reconnect (4200) when it shuts down', async () => {
    const own = await target.start(app);
    const socket = await rawSocket(own.port, app.key);
    const client = pusherJsFor(app, own.port, sdkFor(app, own.port));
    await connected(client);
    const stopping = own.stop();
    expect(await socket.closed).toBe(4200);
    await stopping;
    client.disconnect();
  });
});
