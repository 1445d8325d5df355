// The embedded server's defences against one client exhausting it (issue 11, findings 1 and 3):
// every write to a socket under one buffer cap, no long echo of client input, a frame budget per
// socket, channel kinds limited to the ones configured, connection caps per IP and in total (4100),
// sockets that hold no channel closed after a grace period, and WebSocket upgrades only from the
// configured origins. Real sockets on 127.0.0.1; the server's own end of each socket is watched
// directly (its buffered bytes and its close), so no assertion rests on a sleep.
import { createServer, type IncomingMessage } from 'node:http';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createEmbeddedRealtime, type EmbeddedRealtimeOptions } from '../../server/realtime/embedded/index.ts';
import { channelAuth, rawSocket, subscriptionOutcome, within } from './clients.ts';

const app = { appId: '11', key: 'limits-key', secret: 'limits-secret-0123456789' };
const stops: Array<() => Promise<void>> = [];
const clients: Array<{ close(): void }> = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** The embedded server on its own http.Server, keeping the server-side end of every upgraded socket. */
async function start(options: Partial<EmbeddedRealtimeOptions> = {}) {
  const realtime = createEmbeddedRealtime({ ...app, ...options });
  const serverSockets: Socket[] = [];
  const http = createServer((req, res) => {
    if (!realtime.handleHttp(req, res)) res.writeHead(404).end();
  });
  http.on('upgrade', (req, socket, head) => {
    serverSockets.push(socket as Socket);
    if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  stops.push(async () => {
    await realtime.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return { port: (http.address() as AddressInfo).port, realtime, serverSockets };
}

async function connect(port: number, headers: Record<string, string> = {}) {
  const socket = await rawSocket(port, app.key, { headers });
  clients.push(socket);
  return socket;
}

/** A raw protocol socket with these upgrade headers, for a connection that may be refused. */
async function attempt(port: number, headers: Record<string, string> = {}) {
  const socket = await rawSocket(port, app.key, { expectEstablished: false, headers });
  clients.push(socket);
  return socket;
}

function closeOf(socket: Socket): Promise<string> {
  if (socket.destroyed) return Promise.resolve('closed');
  return new Promise((resolve) => socket.once('close', () => resolve('closed')));
}

/** Bytes a client-to-server text frame takes on the wire: header, mask key, payload (RFC 6455 5.2). */
function wireSize(frame: string): number {
  const length = Buffer.byteLength(frame);
  return 2 + (length > 65_535 ? 8 : length > 125 ? 2 : 0) + 4 + length;
}

/** Resolves once the server has read `bytes` from this socket in all, or the socket is gone. */
function serverHasRead(serverSide: Socket, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (serverSide.bytesRead < bytes && !serverSide.destroyed) return;
      serverSide.off('data', check).off('close', check);
      resolve();
    };
    serverSide.on('data', check).on('close', check);
    check();
  });
}

/**
 * Sends `frame` in batches from a client that reads nothing, each batch once the server has read
 * (and so handled) the one before, until the server hangs up or `maxFrames` went out; then waits
 * for the server to let go of the socket.
 * Records the most the server ever had buffered for this client, sampled each time a chunk of the
 * flood has been handled.
 */
async function floodWithoutReading(client: WebSocket, serverSide: Socket, frame: string, maxFrames: number) {
  let maxBuffered = 0;
  serverSide.on('data', () => (maxBuffered = Math.max(maxBuffered, serverSide.writableLength)));
  const start = serverSide.bytesRead;
  let sent = 0;
  // The server has hung up once it ended its side (closing handshake) or cut the socket outright.
  const hungUp = () => serverSide.writableEnded || serverSide.destroyed;
  while (!hungUp() && sent < maxFrames) {
    for (let i = 0; i < 500; i++) client.send(frame);
    sent += 500;
    await serverHasRead(serverSide, start + sent * wireSize(frame));
  }
  if (hungUp()) await closeOf(serverSide);
  return { dropped: serverSide.destroyed, maxBuffered, sent };
}

describe('finding 1: what a socket can make the server hold', () => {
  it('every write respects one buffer cap: a client that reads nothing and floods requests is cut off at the cap', async () => {
    const cap = 64 * 1024;
    // Budget lifted so that the buffer cap, not the frame budget, is what stops this client.
    const { port, serverSockets } = await start({ maxBufferedBytes: cap, messageBurst: 1_000_000, messagesPerSecond: 1_000_000 });
    const client = await connect(port);
    client.ws.pause();
    // An invalid name short enough to be echoed: each answer is as large as an answer can be.
    const frame = JSON.stringify({ event: 'pusher:subscribe', data: { channel: `private-${'!'.repeat(240)}` } });
    const flood = await floodWithoutReading(client.ws, serverSockets[0]!, frame, 100_000);
    expect({ dropped: flood.dropped, withinCap: flood.maxBuffered <= cap }).toEqual({ dropped: true, withinCap: true });
  });

  it('a client that reads nothing and floods subscribes with long channel names is dropped, holding little', async () => {
    const { port, serverSockets } = await start();
    const client = await connect(port);
    client.ws.pause();
    const frame = JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'x'.repeat(15_000) } });
    const flood = await floodWithoutReading(client.ws, serverSockets[0]!, frame, 5_000);
    expect(flood.dropped, `still open after ${flood.sent} frames, ${flood.maxBuffered} bytes buffered`).toBe(true);
    expect(flood.maxBuffered).toBeLessThan(64 * 1024);
  });

  it('never echoes a long channel name back: the refusal is small and does not contain it', async () => {
    const { port } = await start();
    const socket = await connect(port);
    const long = `private-${'y'.repeat(10_000)}`;
    socket.subscribe(long);
    await socket.next((m) => m.event === 'pusher:error');
    socket.send({ event: 'pusher:ping', data: {} });
    await socket.next((m) => m.event === 'pusher:pong');
    const answers = socket.frames.slice(1);
    expect(answers.map((frame) => ({ echoes: frame.includes('y'.repeat(300)), small: frame.length < 512 }))).toEqual(
      answers.map(() => ({ echoes: false, small: true })),
    );
    // A short bad name is still echoed on the channel, so pusher-js can tell that channel's handlers.
    socket.subscribe('private-chat:other');
    expect(await subscriptionOutcome(socket, 'private-chat:other')).toBe('refused');
  });

  it('a flood of frames over the per-socket budget is closed with 4301; a client within it is served', async () => {
    const { port } = await start({ messageBurst: 50, messagesPerSecond: 5 });
    const polite = await connect(port);
    for (let i = 0; i < 40; i++) polite.send({ event: 'pusher:ping', data: {} });
    await vi.waitFor(() => expect(polite.messages.filter((m) => m.event === 'pusher:pong')).toHaveLength(40));

    const flooder = await connect(port);
    for (let i = 0; i < 300; i++) flooder.send({ event: 'pusher:ping', data: {} });
    const outcome = await Promise.race([
      flooder.closed.then((code) => `closed ${code}`),
      flooder.next((m) => m.event === 'pusher:pong' && flooder.messages.filter((x) => x.event === 'pusher:pong').length === 300).then(() => 'all 300 answered'),
    ]);
    expect(outcome).toBe('closed 4301');
    expect(flooder.messages.filter((m) => m.event === 'pusher:pong').length).toBeLessThanOrEqual(50);
    expect(flooder.messages.some((m) => m.event === 'pusher:error' && (m.data as { code: number }).code === 4301)).toBe(true);
    expect(polite.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('cuts a subscriber that stops reading published events at the same cap', async () => {
    const cap = 64 * 1024;
    const { port, realtime, serverSockets } = await start({ maxBufferedBytes: cap });
    const reader = await connect(port);
    const channel = 'private-slow';
    reader.subscribe(channel, channelAuth(app, reader.socketId, channel));
    expect(await subscriptionOutcome(reader, channel)).toBe('succeeded');
    reader.ws.pause();
    const serverSide = serverSockets[0]!;
    const dropped = new Promise<void>((resolve) => serverSide.once('close', () => resolve()));
    let maxBuffered = 0;
    let gone = false;
    void dropped.then(() => (gone = true));
    const data = JSON.stringify({ blob: 'z'.repeat(9000) });
    for (let i = 0; i < 10_000 && !gone; i++) {
      realtime.publish([channel], 'big', data);
      maxBuffered = Math.max(maxBuffered, serverSide.writableLength);
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await dropped;
    expect(maxBuffered).toBeLessThanOrEqual(cap);
  });
});

describe('finding 3: who may connect, how many, and to what', () => {
  it('refuses every channel kind outside the configured prefixes, even with a valid signature', async () => {
    const { port } = await start({ channelPrefixes: ['private-encrypted-chat-'] });
    const socket = await connect(port);
    for (const channel of ['public-room', 'private-chat-AAAA', 'private-encrypted-other-AAAA', 'presence-room']) {
      socket.subscribe(channel, channelAuth(app, socket.socketId, channel));
      const refusal = await socket.next((m) => m.channel === channel);
      expect({ channel, event: refusal.event, data: refusal.data }).toMatchObject({
        channel,
        event: 'pusher:subscription_error',
        data: { type: 'UnsupportedChannel', status: 403 },
      });
    }
    const own = 'private-encrypted-chat-AAAAAAAAAAAAAAAAAAAAAA';
    socket.subscribe(own, channelAuth(app, socket.socketId, own));
    expect(await subscriptionOutcome(socket, own)).toBe('succeeded');
  });

  it('caps connections per client IP with 4100, counting each IP apart, and admits again once one leaves', async () => {
    const ipOf = (req: IncomingMessage) => String(req.headers['x-test-ip']);
    const { port, realtime } = await start({ maxConnectionsPerIp: 2, clientIp: ipOf });
    const fromA = { 'x-test-ip': 'a' };
    const [a1] = [await connect(port, fromA), await connect(port, fromA)];
    const a3 = await attempt(port, fromA);
    expect(await within(5000, a3.closed)).toBe(4100);
    expect(a3.messages).toEqual([{ event: 'pusher:error', data: { code: 4100, message: expect.stringMatching(/capacity/i) } }]);
    await connect(port, { 'x-test-ip': 'b' });
    a1!.close();
    await vi.waitFor(() => expect(realtime.connectionCount()).toBe(2));
    await connect(port, fromA);
  });

  it('caps connections in total with 4100', async () => {
    let n = 0;
    const { port } = await start({ maxConnections: 3, clientIp: () => `ip-${n++}` });
    for (let i = 0; i < 3; i++) await connect(port);
    expect(await within(5000, (await attempt(port)).closed)).toBe(4100);
  });

  it('does not keep a refused socket open waiting for a client that never answers the close', async () => {
    const { port, serverSockets } = await start();
    // A bare TCP client: sends the upgrade request, then never reads and never sends a close reply.
    const client = connectTcp(port, '127.0.0.1');
    clients.push({ close: () => client.destroy() });
    client.pause();
    client.write(
      'GET /app/no-such-key?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await vi.waitFor(() => expect(serverSockets).toHaveLength(1));
    // ws itself waits 30 s for the close reply; a refusal must not hold the socket that long.
    expect(await within(5000, closeOf(serverSockets[0]!))).toBe('closed');
  });

  it('closes a socket that holds no channel for the grace period, and only that one', async () => {
    const { port } = await start({ idleGraceMs: 300 });
    const subscriber = await connect(port);
    const channel = 'private-keep';
    subscriber.subscribe(channel, channelAuth(app, subscriber.socketId, channel));
    expect(await subscriptionOutcome(subscriber, channel)).toBe('succeeded');
    const idle = await connect(port);
    expect(await within(5000, idle.closed)).toBe(4200);
    expect(idle.messages.some((m) => m.event === 'pusher:error' && /channel/i.test((m.data as { message: string }).message))).toBe(true);
    expect(subscriber.ws.readyState).toBe(WebSocket.OPEN);
    // Leaving its last channel starts the grace period again.
    subscriber.send({ event: 'pusher:unsubscribe', data: { channel } });
    expect(await subscriber.closed).toBe(4200);
  });

  it('accepts upgrades only from the configured origins; a foreign, "null" or missing Origin is refused', async () => {
    const { port } = await start({ allowedOrigins: ['https://chat.example', 'https://extra.example:8443'] });
    await connect(port, { origin: 'https://chat.example' });
    await connect(port, { origin: 'https://extra.example:8443' });
    const refusedHeaders: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'https://chat.example.evil.example' }, {}];
    for (const headers of refusedHeaders) {
      const refused = await attempt(port, headers);
      expect({ headers, code: await within(5000, refused.closed) }).toEqual({ headers, code: 4009 });
    }
  });

  it('without allowedOrigins (the generic default) any client connects, with or without Origin', async () => {
    const { port } = await start();
    await connect(port);
    await connect(port, { origin: 'https://anywhere.example' });
  });
});
