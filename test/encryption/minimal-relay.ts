// A minimal Pusher-protocol (v7) WebSocket relay for the crypto unit tests: it completes the
// handshake, confirms subscriptions and pushes whatever events the test hands it. It checks the
// subscription signature, so a pusher-js client only gets in with a correctly authorized channel.
// The full embedded server is tested in its own files; this only exists so that the channel-crypto
// interop test can drive the real pusher-js client before (and independently of) that server.
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface MinimalRelay {
  port: number;
  /** Sends `event` with `data` to every socket subscribed to `channel`. */
  push(channel: string, event: string, data: string): void;
  /** Resolves once some socket is subscribed to `channel`. */
  subscribed(channel: string): Promise<void>;
  close(): Promise<void>;
}

export async function startMinimalRelay(key: string, secret: string): Promise<MinimalRelay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const subscribers = new Map<string, Set<WebSocket>>();
  const waiters = new Map<string, Array<() => void>>();
  let nextSocket = 1;

  wss.on('connection', (socket) => {
    const socketId = `${nextSocket++}.${Math.floor(Math.random() * 1e9)}`;
    const send = (event: string, data: unknown, channel?: string) =>
      socket.send(JSON.stringify({ event, data: typeof data === 'string' ? data : JSON.stringify(data), channel }));
    send('pusher:connection_established', { socket_id: socketId, activity_timeout: 120 });
    socket.on('message', (raw) => {
      let frame: { event?: string; data?: { channel?: string; auth?: string } };
      try {
        frame = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (frame.event === 'pusher:ping') return send('pusher:pong', {});
      if (frame.event !== 'pusher:subscribe' || typeof frame.data?.channel !== 'string') return;
      const channel = frame.data.channel;
      const expected = `${key}:${createHmac('sha256', secret).update(`${socketId}:${channel}`).digest('hex')}`;
      if (frame.data.auth !== expected) {
        return send('pusher:subscription_error', { type: 'AuthError', error: 'bad signature', status: 401 }, channel);
      }
      if (!subscribers.has(channel)) subscribers.set(channel, new Set());
      subscribers.get(channel)!.add(socket);
      send('pusher_internal:subscription_succeeded', {}, channel);
      for (const wake of waiters.get(channel) ?? []) wake();
      waiters.delete(channel);
    });
    socket.on('close', () => {
      for (const set of subscribers.values()) set.delete(socket);
    });
  });

  return {
    port: (wss.address() as AddressInfo).port,
    push(channel, event, data) {
      for (const socket of subscribers.get(channel) ?? []) socket.send(JSON.stringify({ event, channel, data }));
    },
    subscribed(channel) {
      if (subscribers.get(channel)?.size) return Promise.resolve();
      return new Promise((resolve) => waiters.set(channel, [...(waiters.get(channel) ?? []), resolve]));
    },
    close() {
      for (const client of wss.clients) client.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
