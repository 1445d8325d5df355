// HMAC-SHA256 signatures as the Pusher protocol uses them, always compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Constant-time equality of two strings; unequal lengths are unequal without comparing content. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Checks a subscription's `auth`: `<key>:<hex HMAC-SHA256(secret, "<socket_id>:<channel>")>`. */
export function isValidChannelAuth(key: string, secret: string, socketId: string, channel: string, auth: unknown): boolean {
  if (typeof auth !== 'string' || auth.length > 256) return false;
  return safeEqual(auth, `${key}:${hmacHex(secret, `${socketId}:${channel}`)}`);
}
