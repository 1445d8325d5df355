// The Pusher protocol 7 messages this server sends, and the parsing of what clients send.

/** Close codes from the protocol's error-code table. pusher-js: 40xx and 43xx stay closed, 41xx reconnect after a back-off, 42xx at once. */
export const CLOSE = {
  appDoesNotExist: 4001,
  unsupportedProtocol: 4007,
  /** "Connection is unauthorized": here, an upgrade from an Origin the server does not accept. */
  unauthorized: 4009,
  overCapacity: 4100,
  reconnectNow: 4200,
  pongNotReceived: 4201,
  /** The protocol's rate-limit code, closing a client that sends more frames than its budget. */
  rateLimited: 4301,
} as const;

/** The same code as a pusher:error that does not close: a client event over Pusher's 10 per second. */
export const CLIENT_EVENT_RATE_LIMITED = CLOSE.rateLimited;

export function connectionEstablished(socketId: string, activityTimeoutSec: number): string {
  return JSON.stringify({
    event: 'pusher:connection_established',
    data: JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeoutSec }),
  });
}

/** `code` is null for errors the protocol gives no code to; those never close the connection. */
export function errorFrame(code: number | null, message: string): string {
  return JSON.stringify({ event: 'pusher:error', data: { code, message } });
}

export const PING = JSON.stringify({ event: 'pusher:ping', data: {} });
export const PONG = JSON.stringify({ event: 'pusher:pong', data: {} });

export function subscriptionSucceeded(channel: string): string {
  return JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel, data: '{}' });
}

/** Sent on the channel, so pusher-js reports it to that channel's `pusher:subscription_error` handlers. */
export function subscriptionError(channel: string, type: string, status: number, error: string): string {
  return JSON.stringify({ event: 'pusher:subscription_error', channel, data: { type, error, status } });
}

/** A channel event, serialised once and sent as-is to every subscriber. */
export function channelEvent(channel: string, event: string, data: string): Buffer {
  return Buffer.from(JSON.stringify({ event, channel, data }), 'utf8');
}

export interface ClientMessage {
  event: string;
  channel?: unknown;
  data?: unknown;
}

/** Parses one text frame; undefined when it is not JSON with a string `event`. */
export function parseClientMessage(text: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  if (typeof message.event !== 'string') return undefined;
  return { event: message.event, channel: message.channel, data: message.data };
}
