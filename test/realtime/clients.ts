// Clients for the conformance suite: the real pusher-js and pusher SDKs, a raw protocol socket for
// what the SDKs will not send, and a raw signed HTTP request for what the SDK validates away.
import { createHash, createHmac } from 'node:crypto';
import Pusher from 'pusher';
import PusherJS from 'pusher-js';
import WebSocket from 'ws';
import type { App } from './targets.ts';

export const MASTER_KEY_BASE64 = Buffer.alloc(32, 7).toString('base64');

export function sdkFor(app: App, port: number): Pusher {
  return new Pusher({
    ...app,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
    encryptionMasterKeyBase64: MASTER_KEY_BASE64,
  });
}

/** pusher-js in Node, authorising channels through the SDK as a Parley auth endpoint would. */
export function pusherJsFor(
  app: App,
  port: number,
  sdk: Pusher,
  authorize: (socketId: string, channel: string) => object = (socketId, channel) => sdk.authorizeChannel(socketId, channel),
): PusherJS {
  return new PusherJS(app.key, {
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'mt1',
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: (params, callback) => {
        try {
          callback(null, authorize(params.socketId, params.channelName) as { auth: string });
        } catch (err) {
          callback(err as Error, null);
        }
      },
    },
  });
}

export function connected(client: PusherJS): Promise<string> {
  return new Promise((resolve, reject) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id);
    const timer = setTimeout(() => reject(new Error(`pusher-js stuck in ${client.connection.state}`)), 5000);
    client.connection.bind('connected', () => {
      clearTimeout(timer);
      resolve(client.connection.socket_id);
    });
  });
}

export function subscribed(client: PusherJS, channel: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ch = client.subscribe(channel);
    const timer = setTimeout(() => reject(new Error(`no subscription to ${channel}`)), 5000);
    ch.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer);
      resolve();
    });
    ch.bind('pusher:subscription_error', (e: unknown) => {
      clearTimeout(timer);
      reject(new Error(`subscription to ${channel} failed: ${JSON.stringify(e)}`));
    });
  });
}

export function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export interface ProtocolMessage {
  event: string;
  channel?: string;
  data?: unknown;
}

/** A raw protocol-7 socket that records every message and its close code. */
export interface RawSocket {
  ws: WebSocket;
  messages: ProtocolMessage[];
  /** Every text frame exactly as received. */
  frames: string[];
  socketId: string;
  closed: Promise<number>;
  send(message: unknown): void;
  next(match: (m: ProtocolMessage) => boolean, timeoutMs?: number): Promise<ProtocolMessage>;
  subscribe(channel: string, auth?: string): void;
  close(): void;
}

export interface RawSocketOptions {
  /** Default true: resolve once pusher:connection_established arrived (and fail if it does not). */
  expectEstablished?: boolean;
  /** Request headers of the upgrade, e.g. the Origin a browser page would send. */
  headers?: Record<string, string>;
}

export async function rawSocket(port: number, key: string, options: RawSocketOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${encodeURIComponent(key)}?protocol=7&client=js&version=8.6.0`, {
    headers: options.headers,
  });
  const messages: ProtocolMessage[] = [];
  const frames: string[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    const text = String(data);
    frames.push(text);
    try {
      messages.push(JSON.parse(text) as ProtocolMessage);
    } catch {
      messages.push({ event: '<not json>', data: text });
    }
    for (const wake of waiters) wake();
  });
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  closed.then(() => {
    for (const wake of waiters) wake();
  });

  const next = (match: (m: ProtocolMessage) => boolean, timeoutMs = 5000) =>
    new Promise<ProtocolMessage>((resolve, reject) => {
      const check = () => {
        const found = messages.find(match);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 600)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const socket: RawSocket = {
    ws,
    messages,
    frames,
    socketId: '',
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next,
    subscribe: (channel, auth) => socket.send({ event: 'pusher:subscribe', data: auth ? { channel, auth } : { channel } }),
    close: () => ws.close(),
  };
  if (options.expectEstablished !== false) {
    const established = await next((m) => m.event === 'pusher:connection_established');
    socket.socketId = (JSON.parse(established.data as string) as { socket_id: string }).socket_id;
  }
  return socket;
}

export function channelAuth(app: App, socketId: string, channel: string): string {
  return `${app.key}:${sign(app.secret, `${socketId}:${channel}`)}`;
}

/** Waits for a subscription's outcome on a raw socket. */
export async function subscriptionOutcome(socket: RawSocket, channel: string): Promise<'succeeded' | 'refused'> {
  const m = await socket.next(
    (x) => x.channel === channel && (x.event === 'pusher_internal:subscription_succeeded' || x.event === 'pusher:subscription_error'),
  );
  return m.event === 'pusher_internal:subscription_succeeded' ? 'succeeded' : 'refused';
}

export interface SignedRequestOptions {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  params?: Record<string, string>;
  timestamp?: number;
  /** Replaces the computed body_md5 (to send a signature for another body). */
  bodyMd5?: string;
  signWith?: { key: string; secret: string };
}

/** Builds the query string exactly as the Pusher HTTP API specifies, then sends it with fetch. */
export function signedUrl(app: App, port: number, o: SignedRequestOptions): string {
  const signer = o.signWith ?? app;
  const params: Record<string, string> = {
    auth_key: signer.key,
    auth_timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
    ...o.params,
  };
  if (o.body !== undefined) params.body_md5 = o.bodyMd5 ?? createHash('md5').update(o.body).digest('hex');
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  const signature = sign(signer.secret, `${o.method}\n${o.path}\n${query}`);
  return `http://127.0.0.1:${port}${o.path}?${query}&auth_signature=${signature}`;
}

export async function signedRequest(app: App, port: number, o: SignedRequestOptions): Promise<{ status: number; body: string }> {
  const res = await fetch(signedUrl(app, port, o), {
    method: o.method,
    body: o.body,
    headers: o.body !== undefined ? { 'content-type': 'application/json' } : {},
  });
  return { status: res.status, body: await res.text() };
}

/**
 * A ping and its pong: a server handles one socket's frames in order, so once the pong is here
 * every frame sent before the ping has been handled, and whatever it sent this socket has arrived.
 */
export async function roundTrip(socket: RawSocket): Promise<void> {
  const isPong = (m: ProtocolMessage) => m.event === 'pusher:pong';
  const before = socket.messages.filter(isPong).length;
  socket.send({ event: 'pusher:ping', data: {} });
  await socket.next(() => socket.messages.filter(isPong).length > before);
}

/** What `promise` settles to, or a note that it did not within `ms`: a bound for a test to fail by, not a wait. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`nothing within ${ms} ms`), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
