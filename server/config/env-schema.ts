// The environment Parley reads, as a schema: every variable optional, each bad value reported on
// its own line by name. Secrets absent here are generated into DATA_DIR by secrets.ts.
import { z } from 'zod';
import { durationMs } from './duration.ts';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const url = z.url({ protocol: /^https?$/ });
/** A duration as text (see duration.ts: a unit, above zero, so a timeout can never switch Node's protection off); read it with parseDuration once the schema has passed. */
export const duration = z.string().refine((text) => durationMs(text) !== undefined, 'expected a duration such as 30m, 24h or 7d');
const count = z.coerce.number().int().min(1).max(10_000_000);
/** "https://a.example, http://localhost:5173" → exact origins (scheme, host, port; no path), lower case. */
const originList = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.string().refine(isOrigin, 'expected an origin such as https://shop.example (no path)').transform((o) => new URL(o).origin)));

function isOrigin(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return /^https?:$/.test(url.protocol) && url.origin === text.toLowerCase().replace(/\/$/, '');
}

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI').optional(),
  TOKEN_KEYS: z.string().optional(),
  /** The key-encryption keys of the store's data keys (`kid:base64url-32-bytes,…`): the first wraps, all unwrap. */
  STORAGE_KEYS: z.string().optional(),
  /** SQLite: the key store's file, apart from the data (default DATA_DIR/parley-keys.db). */
  KEY_STORE_FILE: z.string().min(1).optional(),
  /** MongoDB: the key store's database (default: MONGODB_URI's server, database `<name>_keys`). */
  KEY_STORE_MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI').optional(),
  TOKEN_TTL: duration.default('24h'),
  /** How long after expiry an authentic token may still be renewed for its conversation. */
  TOKEN_RENEW_WINDOW: duration.default('30d'),
  BOTS_DIR: z.string().min(1).default('./bots'),
  REALTIME: z.enum(['embedded', 'pusher']).default('embedded'),
  PUSHER_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, _ or -').optional(),
  PUSHER_KEY: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, _ or -').optional(),
  PUSHER_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  PUSHER_HOST: z.string().min(1).optional(),
  PUSHER_PORT: port.optional(),
  PUSHER_USE_TLS: bool.optional(),
  PUSHER_CLUSTER: z.string().regex(/^[a-z0-9-]{1,32}$/).optional(),
  REALTIME_ENCRYPTION_KEY: z.string().optional(),
  /** Embedded realtime: open sockets in all, and per client IP. Unset: the embedded server's defaults. */
  REALTIME_MAX_CONNECTIONS: count.optional(),
  REALTIME_MAX_CONNECTIONS_PER_IP: count.optional(),
  /** Embedded realtime: how long a socket may hold no channel before it is closed. */
  REALTIME_IDLE_GRACE: duration.optional(),
  /** Embedded realtime: origins besides PUBLIC_URL's that may open a WebSocket. */
  REALTIME_ALLOWED_ORIGINS: originList.optional(),
  /** Slow clients: time to send the request headers, the whole request, and idle time on a keep-alive connection. */
  HTTP_HEADERS_TIMEOUT: duration.default('10s'),
  HTTP_REQUEST_TIMEOUT: duration.default('30s'),
  HTTP_KEEPALIVE_TIMEOUT: duration.default('5s'),
  /** Open TCP connections of the HTTP server, WebSockets included. */
  HTTP_MAX_CONNECTIONS: count.default(11_000),
  /** New conversations per client IP per 10 minutes. */
  RATE_SESSIONS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /** Channel-auth requests per client IP per minute. */
  RATE_AUTH_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Console login attempts per client IP per 10 minutes (per account: 10 per 15 minutes, fixed). */
  RATE_CONSOLE_LOGINS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /** An operator's posts in handovers (messages, notes, typing) per console user per minute. */
  RATE_OPERATOR_POSTS_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** How long an instance may run a conversation's turns without renewing its lease. */
  TURN_LEASE: duration.default('15s'),
  /** How often each instance looks for turns nobody is running. */
  TURN_SCAN_INTERVAL: duration.default('2s'),
  /** How often the handover sweep (wait limit, visitor gone, auto-assignment) runs, on one instance at a time. */
  HANDOVER_SWEEP_INTERVAL: duration.default('10s'),
  /** An open handover whose conversation has been quiet this long counts as the visitor gone, and is abandoned. */
  HANDOVER_VISITOR_GONE_AFTER: duration.default('30m'),
  /** Hand waiting conversations to available operators in turn, without anyone clicking "take". */
  HANDOVER_AUTO_ASSIGN: bool.default(false),
  /** With HANDOVER_AUTO_ASSIGN: the most conversations auto-assignment gives one operator at once. */
  HANDOVER_OPERATOR_CAPACITY: z.coerce.number().int().min(1).max(100).default(3),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  TRUST_PROXY: bool.default(false),
  /** How many proxies in front append to X-Forwarded-For; the client is that many entries from the right. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(16).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SECURITY_CONTACT: z.string().regex(/^(mailto:|https:\/\/)/, 'expected a mailto: or https:// URI').optional(),
  SECURITY_TXT_EXPIRES: z.iso.datetime({ offset: true }).optional(),
  /** Console e-mails (invitations, password resets). Unset: the links are printed to the terminal (development). */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'expected an smtp:// or smtps:// URL').optional(),
  /** A single line holding an address, such as `Parley <parley@chat.example>`. */
  MAIL_FROM: z.string().max(256).regex(/^[^\r\n]*@[^\r\n]*$/, 'expected an address such as Parley <parley@chat.example>').optional(),
  /** Console single sign-on (OpenID Connect). Unset: no SSO, password sign-in only. */
  OIDC_ISSUER: url.optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(256).optional(),
  /** Unset: a public client (PKCE only, no client authentication). */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The sign-in button's text. */
  /**
   * Webhook targets an administrator allows although they are loopback, private or link-local:
   * `host:port` pairs, comma-separated (`127.0.0.1:8080, hooks.internal:443`). Nothing else of those ranges is ever reached.
   */
  WEBHOOK_ALLOWED_TARGETS: z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/, 'expected host:port entries such as 127.0.0.1:8080 or [::1]:8080')))
    .optional(),
  /** The first webhook retry waits this long, each next one twice as long. */
  WEBHOOK_RETRY_BASE: duration.default('30s'),
  /** Attempts per delivery, the first included, before it is given up. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** How long one webhook request may take, connection and answer included. */
  WEBHOOK_TIMEOUT: duration.default('10s'),
  /** Serves Prometheus metrics at /metrics to `Authorization: Bearer <METRICS_TOKEN>`. Unset: no /metrics (404). */
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters').regex(/^\S+$/, 'expected no spaces').optional(),
  OIDC_LABEL: z.string().min(1).max(64).regex(/^[^\r\n]*$/, 'expected one line').default('Sign in with SSO'),
});

export type Env = z.infer<typeof envSchema>;

/** "24h" → milliseconds, for a value the `duration` schema has passed. */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}
