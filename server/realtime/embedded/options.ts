// The options the Parley server passes to the embedded realtime server, and their defaults.
// Defaults make a generic Pusher-protocol server (any channel kind, any Origin) with finite
// resources per client; Parley narrows channel kinds and origins in server/start.ts.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';

export interface EmbeddedRealtimeOptions {
  appId: string;
  key: string;
  secret: string;
  /** Optional; default silent. */
  logger?: Logger;
  /** Sent in pusher:connection_established; the server pings a client silent for this long. Default 120. */
  activityTimeoutSec?: number;
  /** How long a pinged client has to answer before it is closed with 4201. Default 30 (the protocol's recommendation). */
  pongTimeoutSec?: number;
  /** Default false; Parley never enables it. */
  enableClientEvents?: boolean;
  /** Largest WebSocket frame a client may send; larger frames close the socket with 1009. Default 16 KiB. */
  maxMessageBytes?: number;
  /** Most channels one socket may hold at once. Default 100. */
  maxSubscriptionsPerSocket?: number;
  /** Channel-name prefixes a client may subscribe to; others are refused (403 UnsupportedChannel). Default: any. */
  channelPrefixes?: readonly string[];
  /** Origins (`scheme://host[:port]`) an upgrade may come from; any other Origin, or none, is closed with 4009. Default: not checked. */
  allowedOrigins?: readonly string[];
  /** Open sockets in all; past it a new socket is closed with 4100. Default 10,000. */
  maxConnections?: number;
  /** Open sockets per client address; past it a new socket is closed with 4100. Default 100. */
  maxConnectionsPerIp?: number;
  /** The client address a connection counts against. Default: the TCP peer (`req.socket.remoteAddress`). */
  clientIp?: (req: IncomingMessage) => string;
  /** A socket holding no channel this long is closed with 4200. Default 30 s. */
  idleGraceMs?: number;
  /** Bytes a socket may have waiting to be sent; a write past it cuts the socket. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Frames a client may send at once (the bucket of the frame budget). Default 120, above maxSubscriptionsPerSocket so a reconnect may resubscribe everything. */
  messageBurst?: number;
  /** Frames per second the budget refills; a client over it is closed with 4301. Default 10. */
  messagesPerSecond?: number;
}

export interface ResolvedOptions {
  appId: string;
  key: string;
  secret: string;
  logger: Logger | undefined;
  activityTimeoutSec: number;
  pongTimeoutSec: number;
  enableClientEvents: boolean;
  maxMessageBytes: number;
  maxSubscriptionsPerSocket: number;
  /** undefined: every channel kind the server serves. */
  channelPrefixes: readonly string[] | undefined;
  /** undefined: Origin is not checked. Lower case. */
  allowedOrigins: ReadonlySet<string> | undefined;
  maxConnections: number;
  maxConnectionsPerIp: number;
  clientIp: (req: IncomingMessage) => string;
  idleGraceMs: number;
  maxBufferedBytes: number;
  messageBurst: number;
  messagesPerSecond: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return value;
}

const peerAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? '';

export function resolveOptions(opts: EmbeddedRealtimeOptions): ResolvedOptions {
  for (const field of ['appId', 'key', 'secret'] as const) {
    if (typeof opts[field] !== 'string' || opts[field] === '') throw new Error(`embedded realtime: ${field} is required`);
  }
  return {
    appId: opts.appId,
    key: opts.key,
    secret: opts.secret,
    logger: opts.logger,
    activityTimeoutSec: positive('activityTimeoutSec', opts.activityTimeoutSec, 120),
    pongTimeoutSec: positive('pongTimeoutSec', opts.pongTimeoutSec, 30),
    enableClientEvents: opts.enableClientEvents === true,
    // A client frame carries at most a subscribe with its auth, or a client event with 10 KB of data.
    maxMessageBytes: positive('maxMessageBytes', opts.maxMessageBytes, 16 * 1024),
    maxSubscriptionsPerSocket: positive('maxSubscriptionsPerSocket', opts.maxSubscriptionsPerSocket, 100),
    channelPrefixes: opts.channelPrefixes ? [...opts.channelPrefixes] : undefined,
    allowedOrigins: opts.allowedOrigins ? new Set(opts.allowedOrigins.map((o) => o.toLowerCase())) : undefined,
    maxConnections: positive('maxConnections', opts.maxConnections, 10_000),
    maxConnectionsPerIp: positive('maxConnectionsPerIp', opts.maxConnectionsPerIp, 100),
    clientIp: opts.clientIp ?? peerAddress,
    idleGraceMs: positive('idleGraceMs', opts.idleGraceMs, 30_000),
    // A hundred full-size (10 KB) events: plenty for a reader that is merely slow.
    maxBufferedBytes: positive('maxBufferedBytes', opts.maxBufferedBytes, 1024 * 1024),
    messageBurst: positive('messageBurst', opts.messageBurst, 120),
    messagesPerSecond: positive('messagesPerSecond', opts.messagesPerSecond, 10),
  };
}
