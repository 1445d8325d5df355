// Configuration: the environment, validated once at start. Every problem becomes one line of a
// ConfigError (main prints the message and exits), never a stack trace.
import { join, resolve } from 'node:path';
import { envSchema, parseDuration } from './env-schema.ts';
import { parseKeyList, type NamedKey, type TokenKey } from './key-list.ts';
import { loadGeneratedSecrets } from './secrets.ts';
import { checkDataDir } from './data-dir.ts';
import { parseMasterKey } from '../realtime/channel-crypto.ts';

export type { NamedKey, TokenKey } from './key-list.ts';

export interface RealtimeConfig {
  mode: 'embedded' | 'pusher';
  appId: string;
  key: string;
  secret: string;
  /** External relay location (REALTIME=pusher); unset in embedded mode. */
  host?: string;
  port?: number;
  useTLS: boolean;
  cluster: string;
  /** 32-byte master key for private-encrypted- channels. */
  encryptionKey: Uint8Array;
  /** Embedded mode: socket caps (undefined: the embedded server's defaults). */
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  idleGraceMs?: number;
  /** Embedded mode: origins besides PUBLIC_URL's that may open a WebSocket. */
  allowedOrigins: string[];
}

/** Limits that keep slow or numerous clients from holding the HTTP server. */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export interface Config {
  port: number;
  host: string;
  /** The origin visitors reach us at; undefined means http://localhost:<the port we got>. */
  publicUrl?: string;
  dataDir: string;
  mongodbUri?: string;
  /** Wrap the store's data keys: the first wraps, all unwrap (server/store/sealing/). */
  storageKeys: NamedKey[];
  /** Where the data keys are kept, apart from the data: a SQLite file, or a MongoDB database. */
  keyStore: KeyStoreLocation;
  tokenKeys: TokenKey[];
  tokenTtlMs: number;
  tokenRenewWindowMs: number;
  botsDir: string;
  realtime: RealtimeConfig;
  http: HttpLimits;
  redisUrl?: string;
  /** The environment itself, for the variables bot definitions name (identitySecretEnv). */
  env: Readonly<Record<string, string>>;
  /** Why instances share data (MONGODB_URI, REDIS_URL, REALTIME=pusher); empty for one instance on its own. */
  sharedBy: string[];
  /** The durable turn worker: lease length and scan period (ms). */
  turns: { leaseMs: number; scanIntervalMs: number };
  /** The live handover's sweep and auto-assignment (docs/console.md, "The handover lifecycle"). */
  handover: HandoverConfig;
  rateLimits: { sessionsPerIpPer10Min: number; authPerIpPerMin: number; consoleLoginsPerIpPer10Min: number; operatorPostsPerMin: number };
  trustProxy: boolean;
  /** With trustProxy: the client address is this many X-Forwarded-For entries from the right. */
  trustProxyHops: number;
  logLevel: string;
  security: { contact?: string; expires?: Date };
  /** Console e-mails: the SMTP server (unset: links printed to the terminal) and the From address (unset: parley@<PUBLIC_URL's host>). */
  mail: { smtpUrl?: string; from?: string };
  /** Console single sign-on; undefined when OIDC_ISSUER is unset. */
  oidc?: OidcConfig;
  /** Webhook delivery (server/webhooks/). */
  webhooks: WebhookConfig;
  /** The bearer token /metrics asks for; undefined: no /metrics. */
  metricsToken?: string;
  /** Things to tell the operator at start (generated secrets and the like). */
  warnings: string[];
}

export type KeyStoreLocation = { file: string } | { mongodbUri: string };

export interface HandoverConfig {
  sweepIntervalMs: number;
  /** A handover whose conversation has been quiet this long is abandoned: the visitor is gone. */
  visitorGoneAfterMs: number;
  autoAssign: boolean;
  /** Auto-assignment gives an operator at most this many conversations at once. */
  operatorCapacity: number;
}

export interface WebhookConfig {
  /** `host:port` pairs allowed although their addresses are loopback, private or link-local. */
  allowedTargets: string[];
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function decodeMasterKey(text: string): Uint8Array | string {
  try {
    return parseMasterKey(text);
  } catch (err) {
    return (err as Error).message;
  }
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Undefined for a public client. */
  clientSecret?: string;
  label: string;
}

/**
 * `mongodb://host/parley?opts` → `mongodb://host/parley_keys?opts`: the key store's own database on
 * the same server, which a `mongodump --db parley` (the documented backup) leaves out.
 */
export function keysDatabaseBeside(uri: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)(\?.*)?$/.exec(uri);
  if (!match) return uri;
  return `${match[1]}/${match[2] || 'test'}_keys${match[3] ?? ''}`;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset: `FOO= npm start` should not be an error.
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  const warnings: string[] = [];
  const dataDir = resolve(env.DATA_DIR);
  // Before anything is generated into it or opened in it.
  const dataDirProblem = checkDataDir(dataDir);
  if (dataDirProblem) throw new ConfigError(dataDirProblem);

  const missingSecrets = [
    ...(env.TOKEN_KEYS ? [] : ['TOKEN_KEYS']),
    ...(env.REALTIME_ENCRYPTION_KEY ? [] : ['REALTIME_ENCRYPTION_KEY']),
    ...(env.STORAGE_KEYS ? [] : ['STORAGE_KEYS']),
    ...(env.REALTIME === 'embedded' && !(env.PUSHER_APP_ID && env.PUSHER_KEY && env.PUSHER_SECRET) ? ['PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET'] : []),
  ];
  // Anything shared (store, limits, relay) means several instances: each would generate its own
  // keys and silently log out every visitor another instance served.
  const shared = [env.MONGODB_URI && 'MONGODB_URI', env.REDIS_URL && 'REDIS_URL', env.REALTIME === 'pusher' && 'REALTIME=pusher'].filter((s): s is string => Boolean(s));
  if (env.REALTIME === 'pusher') {
    for (const name of ['PUSHER_APP_ID', 'PUSHER_KEY', 'PUSHER_SECRET'] as const) {
      if (!env[name]) problems.push(`${name}: required when REALTIME=pusher`);
    }
    if (!env.PUSHER_HOST && !env.PUSHER_CLUSTER) problems.push('PUSHER_HOST or PUSHER_CLUSTER: one is required when REALTIME=pusher');
  }
  if (shared.length > 0 && missingSecrets.length > 0) {
    problems.push(`${shared.join(', ')} means several instances share data, so secrets cannot be generated: set ${missingSecrets.join(', ')}`);
  }
  if (env.OIDC_ISSUER && !env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: required when OIDC_ISSUER is set');
  if (!env.OIDC_ISSUER && env.OIDC_CLIENT_ID) problems.push('OIDC_ISSUER: required when OIDC_CLIENT_ID is set');
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  if (env.REALTIME === 'embedded' && (env.MONGODB_URI || env.REDIS_URL)) {
    warnings.push('REALTIME=embedded with a shared store: a visitor connected to one instance gets no live events published by another; use REALTIME=pusher (soketi or Pusher Channels) for several instances');
  }
  const generated = missingSecrets.length > 0 ? loadGeneratedSecrets(dataDir) : undefined;
  if (generated?.created) {
    warnings.push(`generated secrets into ${dataDir}/secrets.json; deployments must set TOKEN_KEYS, REALTIME_ENCRYPTION_KEY, STORAGE_KEYS and PUSHER_* themselves`);
  }

  const tokenKeys = parseKeyList(env.TOKEN_KEYS ?? generated!.secrets.tokenKeys);
  if (typeof tokenKeys === 'string') problems.push(`TOKEN_KEYS: ${tokenKeys}`);

  const storageKeys = parseKeyList(env.STORAGE_KEYS ?? generated!.secrets.storageKeys);
  if (typeof storageKeys === 'string') problems.push(`STORAGE_KEYS: ${storageKeys}`);
  if (env.KEY_STORE_FILE && env.MONGODB_URI) problems.push('KEY_STORE_FILE: the SQLite key store is for the SQLite store; with MONGODB_URI set KEY_STORE_MONGODB_URI');
  if (env.KEY_STORE_MONGODB_URI && !env.MONGODB_URI) problems.push('KEY_STORE_MONGODB_URI: only with MONGODB_URI; the SQLite store keeps its keys in KEY_STORE_FILE');

  const encryptionKey = decodeMasterKey(env.REALTIME_ENCRYPTION_KEY ?? generated!.secrets.encryptionKey);
  if (typeof encryptionKey === 'string') problems.push(`REALTIME_ENCRYPTION_KEY: ${encryptionKey}`);

  const http: HttpLimits = {
    headersTimeoutMs: parseDuration(env.HTTP_HEADERS_TIMEOUT),
    requestTimeoutMs: parseDuration(env.HTTP_REQUEST_TIMEOUT),
    keepAliveTimeoutMs: parseDuration(env.HTTP_KEEPALIVE_TIMEOUT),
    maxConnections: env.HTTP_MAX_CONNECTIONS,
  };
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (http.headersTimeoutMs > http.requestTimeoutMs) problems.push('HTTP_HEADERS_TIMEOUT: must not be longer than HTTP_REQUEST_TIMEOUT');
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);

  const publicUrl = env.PUBLIC_URL?.replace(/\/+$/, '');
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    dataDir,
    mongodbUri: env.MONGODB_URI,
    storageKeys: storageKeys as NamedKey[],
    keyStore: env.MONGODB_URI
      ? { mongodbUri: env.KEY_STORE_MONGODB_URI ?? keysDatabaseBeside(env.MONGODB_URI) }
      : { file: resolve(env.KEY_STORE_FILE ?? join(dataDir, 'parley-keys.db')) },
    tokenKeys: tokenKeys as TokenKey[],
    tokenTtlMs: parseDuration(env.TOKEN_TTL),
    tokenRenewWindowMs: parseDuration(env.TOKEN_RENEW_WINDOW),
    botsDir: resolve(env.BOTS_DIR),
    realtime: {
      mode: env.REALTIME,
      appId: env.PUSHER_APP_ID ?? generated!.secrets.pusherAppId,
      key: env.PUSHER_KEY ?? generated!.secrets.pusherKey,
      secret: env.PUSHER_SECRET ?? generated!.secrets.pusherSecret,
      host: env.PUSHER_HOST,
      port: env.PUSHER_PORT,
      useTLS: env.PUSHER_USE_TLS ?? env.REALTIME === 'pusher',
      cluster: env.PUSHER_CLUSTER ?? 'mt1',
      encryptionKey: encryptionKey as Uint8Array,
      maxConnections: env.REALTIME_MAX_CONNECTIONS,
      maxConnectionsPerIp: env.REALTIME_MAX_CONNECTIONS_PER_IP,
      idleGraceMs: env.REALTIME_IDLE_GRACE === undefined ? undefined : parseDuration(env.REALTIME_IDLE_GRACE),
      allowedOrigins: env.REALTIME_ALLOWED_ORIGINS ?? [],
    },
    http,
    redisUrl: env.REDIS_URL,
    env: raw as Record<string, string>,
    sharedBy: shared,
    turns: { leaseMs: parseDuration(env.TURN_LEASE), scanIntervalMs: parseDuration(env.TURN_SCAN_INTERVAL) },
    handover: {
      sweepIntervalMs: parseDuration(env.HANDOVER_SWEEP_INTERVAL),
      visitorGoneAfterMs: parseDuration(env.HANDOVER_VISITOR_GONE_AFTER),
      autoAssign: env.HANDOVER_AUTO_ASSIGN,
      operatorCapacity: env.HANDOVER_OPERATOR_CAPACITY,
    },
    rateLimits: { sessionsPerIpPer10Min: env.RATE_SESSIONS_PER_IP, authPerIpPerMin: env.RATE_AUTH_PER_IP, consoleLoginsPerIpPer10Min: env.RATE_CONSOLE_LOGINS_PER_IP, operatorPostsPerMin: env.RATE_OPERATOR_POSTS_PER_MIN },
    trustProxy: env.TRUST_PROXY,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    logLevel: env.LOG_LEVEL,
    security: {
      contact: env.SECURITY_CONTACT,
      expires: env.SECURITY_TXT_EXPIRES ? new Date(env.SECURITY_TXT_EXPIRES) : undefined,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    oidc: env.OIDC_ISSUER && env.OIDC_CLIENT_ID ? { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET, label: env.OIDC_LABEL } : undefined,
    webhooks: {
      allowedTargets: env.WEBHOOK_ALLOWED_TARGETS ?? [],
      retryBaseMs: parseDuration(env.WEBHOOK_RETRY_BASE),
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: parseDuration(env.WEBHOOK_TIMEOUT),
    },
    metricsToken: env.METRICS_TOKEN,
    warnings,
  };
}
