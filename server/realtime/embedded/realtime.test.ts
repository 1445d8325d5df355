// Behaviour of the embedded server that the shared conformance suite cannot check against soketi:
// liveness timeouts, protocol versions, presence refusal, the subscription cap, client events when
// enabled, the in-process publish path and shutdown. Real sockets on 127.0.0.1, port 0.
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channelAuth, rawSocket, roundTrip, subscriptionOutcome, type RawSocket } from '../../../test/realtime/clients.ts';
import { channelSharedSecret, openEventData } from '../channel-crypto.ts';
import { createInProcessPublisher } from '../in-process-publisher.ts';
import { createEmbeddedRealtime, startStandaloneRealtime, type EmbeddedRealtimeOptions, type StandaloneRealtime } from './index.ts';

const app = { appId: '7', key: 'unit-key', secret: 'unit-secret' };
const running: StandaloneRealtime[] = [];
const sockets: RawSocket[] = [];

async function start(extra: Partial<EmbeddedRealtimeOptions> = {}) {
  const server = await startStandaloneRealtime({ ...app, ...extra });
  running.push(server);
  return server;
}
async function connect(port: number) {
  const socket = await rawSocket(port, app.key);
  sockets.push(socket);
  return socket;
}
async function subscribePrivate(socket: RawSocket, channel: string) {
  socket.subscribe(channel, channelAuth(app, socket.socketId, channel));
  return subscriptionOutcome(socket, channel);
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

describe('liveness', () => {
  it('pings a silent client and closes it with 4201 when no pong comes', async () => {
    const { port } = await start({ activityTimeoutSec: 1, pongTimeoutSec: 1 });
    const silent = await connect(port);
    await silent.next((m) => m.event === 'pusher:ping', 3000);
    expect(await silent.closed).toBe(4201);
  });

  it('keeps a client that answers the ping', async () => {
    const { port, realtime } = await start({ activityTimeoutSec: 1, pongTimeoutSec: 1 });
    const lively = await connect(port);
    await lively.next((m) => m.event === 'pusher:ping', 3000);
    lively.send({ event: 'pusher:pong', data: {} });
    // The next ping comes a whole activity timeout after the pong, past the pong deadline of the
    // first: a client that answered is still there to get it.
    const pings = () => lively.messages.filter((m) => m.event === 'pusher:ping').length;
    await lively.next(() => pings() >= 2, 5000);
    expect(lively.ws.readyState).toBe(WebSocket.OPEN);
    expect(realtime.connectionCount()).toBe(1);
  });
});

describe('connection checks', () => {
  it('refuses protocol versions it does not speak with 4007', async () => {
    const { port } = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${app.key}?protocol=4`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4007);
  });

  it('leaves other paths to the host server', async () => {
    const realtime = createEmbeddedRealtime(app);
    const http = createServer((req, res) => {
      if (!realtime.handleHttp(req, res)) res.writeHead(418).end();
    });
    const upgrades: boolean[] = [];
    http.on('upgrade', (req, socket, head) => {
      const handled = realtime.handleUpgrade(req, socket, head);
      upgrades.push(handled);
      if (!handled) socket.destroy();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    try {
      expect((await fetch(`http://127.0.0.1:${port}/widget.js`)).status).toBe(418);
      const stray = new WebSocket(`ws://127.0.0.1:${port}/socket`);
      await new Promise((resolve) => stray.on('error', resolve));
      expect(upgrades).toEqual([false]);
    } finally {
      await realtime.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('validates its options', () => {
    expect(() => createEmbeddedRealtime({ ...app, secret: '' })).toThrow(/secret/);
    expect(() => createEmbeddedRealtime({ ...app, activityTimeoutSec: 0 })).toThrow(/activityTimeoutSec/);
  });
});

describe('subscriptions', () => {
  it('refuses presence channels, which this server does not support', async () => {
    const { port } = await start();
    const socket = await connect(port);
    socket.subscribe('presence-room', channelAuth(app, socket.socketId, 'presence-room'));
    const refusal = await socket.next((m) => m.event === 'pusher:subscription_error');
    expect(refusal.data).toMatchObject({ type: 'UnsupportedChannel', status: 403 });
  });

  it('caps subscriptions per socket at the configured number', async () => {
    const { port } = await start({ maxSubscriptionsPerSocket: 2 });
    const socket = await connect(port);
    expect(await subscribePrivate(socket, 'private-a')).toBe('succeeded');
    expect(await subscribePrivate(socket, 'private-b')).toBe('succeeded');
    expect(await subscribePrivate(socket, 'private-c')).toBe('refused');
    // Re-subscribing to a held channel is not a new subscription.
    socket.subscribe('private-a', channelAuth(app, socket.socketId, 'private-a'));
    await roundTrip(socket);
    expect(socket.messages.filter((m) => m.event === 'pusher_internal:subscription_succeeded')).toHaveLength(3);
  });
});

describe('client events, when an app enables them', () => {
  it('relays them on private channels to others, never on encrypted ones, and rate-limits them', async () => {
    const { port } = await start({ enableClientEvents: true });
    const [sender, receiver] = [await connect(port), await connect(port)];
    for (const s of [sender, receiver]) {
      expect(await subscribePrivate(s, 'private-room')).toBe('succeeded');
      expect(await subscribePrivate(s, 'private-encrypted-room')).toBe('succeeded');
    }
    sender.send({ event: 'client-typing', channel: 'private-room', data: { typing: true } });
    const relayed = await receiver.next((m) => m.event === 'client-typing');
    expect(relayed).toEqual({ event: 'client-typing', channel: 'private-room', data: '{"typing":true}' });
    sender.send({ event: 'client-typing', channel: 'private-encrypted-room', data: 'clear text' });
    await sender.next((m) => m.event === 'pusher:error');
    for (let i = 0; i < 12; i++) sender.send({ event: 'client-burst', channel: 'private-room', data: {} });
    const limited = await sender.next((m) => m.event === 'pusher:error' && (m.data as { code: unknown }).code === 4301);
    expect(limited).toBeDefined();
    // Every burst frame has been handled once the sender's ping is answered; whatever that relayed
    // to the receiver is there once the receiver's own ping is.
    await roundTrip(sender);
    await roundTrip(receiver);
    expect(receiver.messages.filter((m) => m.event === 'client-burst')).toHaveLength(9);
    expect(receiver.messages.some((m) => m.channel === 'private-encrypted-room' && m.event.startsWith('client-'))).toBe(false);
    expect(sender.messages.some((m) => m.event === 'client-typing')).toBe(false);
  });
});

describe('in-process publish', () => {
  it('delivers to subscribers, honours exclusion and refuses what Pusher would refuse', async () => {
    const { port, realtime } = await start();
    const [a, b] = [await connect(port), await connect(port)];
    await subscribePrivate(a, 'private-chat-1');
    await subscribePrivate(b, 'private-chat-1');
    realtime.publish(['private-chat-1'], 'message', '{"n":1}', a.socketId);
    await b.next((m) => m.event === 'message');
    realtime.publish(['private-chat-1'], 'after', '{}');
    await a.next((m) => m.event === 'after');
    expect(a.messages.some((m) => m.event === 'message')).toBe(false);
    expect(() => realtime.publish(['private-chat:2'], 'message', '{}')).toThrow(/channel/);
    expect(() => realtime.publish(['private-chat-1'], 'message', 'x'.repeat(10 * 1024 + 1))).toThrow(/bytes/);
    expect(() => realtime.publish(['private-encrypted-a', 'private-encrypted-b'], 'm', '{}')).toThrow(/encrypted/);
  });

  it('carries the in-process Publisher: only ciphertext on the wire, opened by the channel secret', async () => {
    const { port, realtime } = await start();
    const masterKey = new Uint8Array(32).fill(9);
    const publisher = createInProcessPublisher(realtime, masterKey);
    const channel = 'private-encrypted-chat-AAAAAAAAAAAAAAAAAAAAAA';
    const socket = await connect(port);
    await subscribePrivate(socket, channel);
    await publisher.trigger(channel, 'message', { text: 'marker-7f3a' });
    const event = await socket.next((m) => m.event === 'message');
    expect(socket.frames.join('\n')).not.toContain('marker-7f3a');
    expect(openEventData(channelSharedSecret(masterKey, channel), event.data as string)).toEqual({ text: 'marker-7f3a' });
    expect(await publisher.ready()).toBe(true);
    await realtime.close();
    expect(await publisher.ready()).toBe(false);
  });
});

describe('close()', () => {
  it('sends 4200 to every socket, empties the server and refuses newcomers with 4200', async () => {
    const { port, realtime } = await start();
    const [a, b] = [await connect(port), await connect(port)];
    expect(realtime.connectionCount()).toBe(2);
    await realtime.close();
    expect(await a.closed).toBe(4200);
    expect(await b.closed).toBe(4200);
    expect(realtime.connectionCount()).toBe(0);
    expect(realtime.isOpen()).toBe(false);
    const late = await rawSocket(port, app.key, { expectEstablished: false });
    expect(await late.closed).toBe(4200);
  });
});
