// One client socket: protocol messages in, control frames and channel events out. Never throws
// into ws: anything a client sends that is not understood gets a pusher:error and is dropped.
// Every frame out goes through deliver() (one buffer cap); every frame in spends the socket's budget.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type { ChannelRegistry, Subscriber } from './channels.ts';
import {
  CLIENT_EVENT_RATE_LIMITED,
  CLOSE,
  PONG,
  channelEvent,
  errorFrame,
  parseClientMessage,
  subscriptionError,
  subscriptionSucceeded,
  type ClientMessage,
} from './frames.ts';
import { fullBudget, spendFrame, type MessageBudget } from './message-budget.ts';
import { channelKind, isValidChannelName, isValidEventName } from './names.ts';
import type { ResolvedOptions } from './options.ts';
import { isValidChannelAuth } from './signatures.ts';
import { hangUp, writeFrame } from './socket-output.ts';
import { MAX_DATA_BYTES } from './trigger-rules.ts';

/** Pusher's documented client-event rate limit per connection. */
const CLIENT_EVENTS_PER_SECOND = 10;
/**
 * A refused channel name is echoed back (so pusher-js can tell that channel's handlers) only up to
 * this length: above Pusher's 164 and soketi's 200, so a typo is still recognised; anything longer
 * is a payload the client wants reflected, not a name.
 */
const MAX_ECHOED_CHANNEL_LENGTH = 256;

export interface Connection extends Subscriber {
  readonly ws: WebSocket;
  /** The upgraded TCP socket under `ws`: hangUp() ends and, if need be, cuts it. */
  readonly socket: Duplex;
  /** The client address this socket counts against (options.clientIp). */
  readonly ip: string;
  readonly ctx: ConnectionContext;
  /** Date.now() of the last frame from the client (any frame proves it is alive). */
  lastSeen: number;
  /** Date.now() when we pinged and are still waiting; 0 when no ping is outstanding. */
  pingSentAt: number;
  /** Date.now() since when the socket holds no channel; 0 while it holds one. */
  idleSince: number;
  budget: MessageBudget;
  clientEvents?: { windowStart: number; count: number };
  /** Closes now with a protocol error (see hangUp in socket-output.ts). */
  hangUp(code: number, message: string): void;
}

export interface ConnectionContext {
  options: ResolvedOptions;
  registry: ChannelRegistry;
  log: Logger;
  onClosed(connection: Connection): void;
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

// Everything below is shared by all sockets and takes the connection as an argument (or `this`):
// functions made per socket would cost every idle connection their closures and contexts.

function deliver(this: Connection, frame: string | Buffer): void {
  if (writeFrame(this.ws, frame, this.ctx.options.maxBufferedBytes) === 'cut') {
    this.ctx.log.warn({ socketId: this.socketId }, 'realtime: socket is not reading; cut off at the buffer cap');
  }
}

function hangUpConnection(this: Connection, code: number, message: string): void {
  hangUp(this.ws, this.socket, code, message, this.ctx.options.maxBufferedBytes);
}

function refuseSubscription(connection: Connection, channel: string, type: string, status: number, message: string): void {
  // pusher:subscription_error reaches the channel's handlers in pusher-js; pusher:error is what
  // the protocol documents for refused authentication.
  if (channel.length <= MAX_ECHOED_CHANNEL_LENGTH) connection.deliver(subscriptionError(channel, type, status, message));
  connection.deliver(errorFrame(null, message));
}

function subscribe(connection: Connection, data: unknown): void {
  const { options, registry } = connection.ctx;
  const request = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const channel = request.channel;
  if (typeof channel !== 'string') return connection.deliver(errorFrame(null, 'pusher:subscribe needs data.channel'));
  if (!isValidChannelName(channel)) {
    return refuseSubscription(connection, channel, 'InvalidChannel', 400, 'Invalid channel name');
  }
  if (options.channelPrefixes && !options.channelPrefixes.some((prefix) => channel.startsWith(prefix))) {
    return refuseSubscription(connection, channel, 'UnsupportedChannel', 403, 'This server does not serve this kind of channel');
  }
  const kind = channelKind(channel);
  if (kind === 'presence') {
    return refuseSubscription(connection, channel, 'UnsupportedChannel', 403, 'Presence channels are not supported by this server');
  }
  const held = connection.channels;
  if (held && !held.has(channel) && held.size >= options.maxSubscriptionsPerSocket) {
    return refuseSubscription(connection, channel, 'LimitReached', 429, `At most ${options.maxSubscriptionsPerSocket} channels per connection`);
  }
  if (kind !== 'public' && !isValidChannelAuth(options.key, options.secret, connection.socketId, channel, request.auth)) {
    return refuseSubscription(connection, channel, 'AuthError', 401, 'Invalid signature');
  }
  registry.join(connection, channel);
  connection.idleSince = 0;
  connection.deliver(subscriptionSucceeded(channel));
}

function unsubscribe(connection: Connection, data: unknown): void {
  const channel = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).channel : undefined;
  if (typeof channel !== 'string') return;
  connection.ctx.registry.leave(connection, channel);
  if (!connection.channels?.size) connection.idleSince ||= Date.now();
}

function clientEvent(connection: Connection, message: ClientMessage): void {
  const { options, registry } = connection.ctx;
  const channel = message.channel;
  if (!options.enableClientEvents) return connection.deliver(errorFrame(null, 'Client events are not enabled on this server'));
  if (typeof channel !== 'string' || !connection.channels?.has(channel) || channelKind(channel) !== 'private') {
    // Encrypted channels are refused too: a client event there would be relayed in the clear.
    return connection.deliver(errorFrame(null, 'Client events are only accepted on a subscribed private channel'));
  }
  if (!isValidEventName(message.event)) return connection.deliver(errorFrame(null, 'Event name too long'));
  const now = Date.now();
  const window = (connection.clientEvents ??= { windowStart: now, count: 0 });
  if (now - window.windowStart >= 1000) Object.assign(window, { windowStart: now, count: 0 });
  if (++window.count > CLIENT_EVENTS_PER_SECOND) {
    return connection.deliver(errorFrame(CLIENT_EVENT_RATE_LIMITED, 'Client event rejected due to rate limit'));
  }
  const data = typeof message.data === 'string' ? message.data : JSON.stringify(message.data ?? {});
  if (Buffer.byteLength(data, 'utf8') > MAX_DATA_BYTES) return connection.deliver(errorFrame(null, 'Client event data too large'));
  registry.broadcast(channel, channelEvent(channel, message.event, data), connection.socketId);
}

function dispatch(connection: Connection, message: ClientMessage): void {
  if (message.event === 'pusher:ping') return connection.deliver(PONG);
  if (message.event === 'pusher:pong') return;
  if (message.event === 'pusher:subscribe') return subscribe(connection, message.data);
  if (message.event === 'pusher:unsubscribe') return unsubscribe(connection, message.data);
  if (message.event.startsWith('client-')) return clientEvent(connection, message);
  connection.deliver(errorFrame(null, 'Unsupported event'));
}

function receive(connection: Connection, data: RawData, isBinary: boolean): void {
  const { ws, ctx } = connection;
  // Hung up (over budget, idle, shutting down): what is still in flight is not acted on.
  if (ws.readyState !== WebSocket.OPEN) return;
  const at = Date.now();
  if (!spendFrame(connection.budget, at, ctx.options.messageBurst, ctx.options.messagesPerSecond)) {
    ctx.log.info({ socketId: connection.socketId }, 'realtime: client sent more frames than its budget; closing it');
    return connection.hangUp(CLOSE.rateLimited, 'Too many messages');
  }
  connection.lastSeen = at;
  connection.pingSentAt = 0;
  if (isBinary) return connection.deliver(errorFrame(null, 'Binary frames are not supported'));
  const message = parseClientMessage(frameText(data));
  if (!message) return connection.deliver(errorFrame(null, 'Invalid JSON message'));
  try {
    dispatch(connection, message);
  } catch (err) {
    ctx.log.error({ err, socketId: connection.socketId }, 'realtime: failed to handle a client message');
    connection.deliver(errorFrame(null, 'Server error'));
  }
}

/** `socket` is the upgraded TCP socket under `ws`; `ip` what options.clientIp said of its request. */
export function attachConnection(ws: WebSocket, socket: Duplex, socketId: string, ip: string, ctx: ConnectionContext): Connection {
  const now = Date.now();
  const connection: Connection = {
    ws,
    socket,
    ip,
    ctx,
    socketId,
    channels: undefined,
    lastSeen: now,
    pingSentAt: 0,
    idleSince: now,
    budget: fullBudget(ctx.options.messageBurst, now),
    deliver,
    hangUp: hangUpConnection,
  };
  listen(connection);
  return connection;
}

/** The socket's listeners: their one shared context holds the connection and nothing else. */
function listen(connection: Connection): void {
  const { ws } = connection;
  ws.on('message', (data, isBinary) => receive(connection, data, isBinary));
  ws.on('pong', () => {
    connection.lastSeen = Date.now();
    connection.pingSentAt = 0;
  });
  // ws reports oversize frames and protocol violations here, then closes (1009 / 1002).
  ws.on('error', (err) => connection.ctx.log.debug({ err, socketId: connection.socketId }, 'realtime: socket error'));
  ws.on('close', () => {
    connection.ctx.registry.leaveAll(connection);
    connection.ctx.onClosed(connection);
  });
}
