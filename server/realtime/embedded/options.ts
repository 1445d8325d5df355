// The options the Parley server passes to the embedded realtime server, and their defaults.
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
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return value;
}

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
  };
}
