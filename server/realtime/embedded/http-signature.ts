// Checks the signature Pusher's HTTP API requires on every request (auth_version 1.0):
// HMAC-SHA256(secret, "<METHOD>\n<path>\n<sorted query without auth_signature>").
import { createHash } from 'node:crypto';
import { hmacHex, safeEqual } from './signatures.ts';

/** Pusher accepts a signed request within 600 seconds of its auth_timestamp, either way. */
const TIMESTAMP_WINDOW_SEC = 600;

interface SignedRequest {
  method: string;
  /** The path exactly as requested, without the query. */
  path: string;
  /** The raw query string, without the leading `?`. */
  query: string;
  body: Buffer;
}

/** Returns why the request is not authentic, or undefined when it is. */
export function signatureProblem(req: SignedRequest, key: string, secret: string, nowSec: number): string | undefined {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(req.query)) {
    if (params.has(name)) return `duplicate query parameter ${name}`;
    params.set(name, value);
  }
  const signature = params.get('auth_signature');
  if (!signature) return 'missing auth_signature';
  if (params.get('auth_key') !== key) return 'unknown auth_key';
  if (params.get('auth_version') !== '1.0') return 'unsupported auth_version';
  const timestamp = params.get('auth_timestamp') ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) return 'missing or malformed auth_timestamp';
  if (Math.abs(nowSec - Number(timestamp)) > TIMESTAMP_WINDOW_SEC) return 'auth_timestamp outside the 600 s window';
  const md5 = params.get('body_md5');
  if (req.body.length > 0 || md5 !== undefined || req.method === 'POST') {
    const actual = createHash('md5').update(req.body).digest('hex');
    if (md5 === undefined || !safeEqual(md5, actual)) return 'body_md5 does not match the body';
  }
  params.delete('auth_signature');
  const sorted = [...params.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const expected = hmacHex(secret, `${req.method}\n${req.path}\n${sorted}`);
  return safeEqual(signature, expected) ? undefined : 'invalid auth_signature';
}
