// Assembles one Parley server: store, bot engine, realtime (embedded or external), Koa app, all on
// one HTTP server. main.ts calls it with the environment; tests call it with their own config.
import { answerClientErrors } from './http/client-errors.ts';
import { createServer, type IncomingMessage, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Pusher from 'pusher';
import type { Logger } from 'pino';
import { conversationChannel } from '../common/wire.ts';
import { consoleConversationChannel, queueChannel } from '../common/handover-wire.ts';
import type { Config, HttpLimits } from './config/index.ts';
import { createApp } from './http/app.ts';
import { openStore } from './store/index.ts';
import { loadBotEngine } from './bot/index.ts';
import { createEmbeddedRealtime, type EmbeddedRealtime } from './realtime/embedded/index.ts';
import { createInProcessPublisher } from './realtime/in-process-publisher.ts';
import { createPusherPublisher } from './realtime/pusher-publisher.ts';
import { realtimeClientConfig } from './realtime/client-config.ts';
import { createTokenSealer } from './tokens/visitor-token.ts';
import { createRateLimits } from './security/rate-limits.ts';
import type { Publisher } from './realtime/publisher.ts';
import { retentionPolicyOf, startRetentionSweeper } from './security/retention.ts';
import type { BotProfile } from './bot/engine.ts';
import { createTurnWorker } from './chat/turn-worker.ts';
import { startHandoverSweeper } from './chat/handover-sweep.ts';
import { instanceId } from './instance.ts';
import { createMailer } from './accounts/mailer.ts';
import { discoverOidc } from './accounts/oidc.ts';
import { createBotSettings } from './privacy/bot-settings.ts';
import { installDir } from './install-dir.ts';
import { createMetrics } from './metrics/metrics.ts';
import { timedStore } from './metrics/timed-store.ts';
import { registerLiveGauges, type RealtimeCounts } from './metrics/live-gauges.ts';
import { createWebhookEvents } from './webhooks/events.ts';
import { startWebhookWorker } from './webhooks/outbox-worker.ts';
import { hostPort, systemResolver, type ResolveHost } from './webhooks/guarded-lookup.ts';

export interface RunningParley {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Sweep often enough for the shortest TTL any bot sets (at most every minute, at least every second). */
function sweepInterval(profiles: BotProfile[]): number {
  const ttls = profiles.flatMap((p) => [p.policy.messageTtlMs, p.policy.valueTtlMs]).filter((t): t is number => t !== undefined);
  return Math.min(60_000, Math.max(1000, Math.min(...ttls, 120_000) / 2));
}

/**
 * Node enforces headersTimeout and requestTimeout only when it sweeps its open connections (every
 * 30 s by default), so a 10 s limit could really be 40 s: sweep at a quarter of the shorter one.
 */
function httpServerOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(5000, Math.max(50, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
  };
}

/**
 * The client address a realtime socket counts against: the TCP peer, or behind TRUST_PROXY the
 * X-Forwarded-For entry TRUST_PROXY_HOPS from the right (what the trusted proxies appended;
 * anything left of it the client may have written itself): the same rule as Koa's `maxIpsCount`
 * gives the HTTP side.
 */
function clientIpOf(req: IncomingMessage, trustProxy: boolean, hops: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (!trustProxy) return peer;
  const entries = [req.headers['x-forwarded-for'] ?? []].flat().join(',').split(',');
  const listed = entries.map((entry) => entry.trim()).filter(Boolean);
  return listed.at(-Math.min(hops, listed.length)) ?? peer;
}

/** The embedded server's sockets, and its subscriptions by the kinds of channel Parley uses. */
function realtimeCounts(embedded: EmbeddedRealtime): RealtimeCounts {
  const kinds = { conversation: conversationChannel(''), console_queue: queueChannel(''), console_conversation: consoleConversationChannel('') };
  return {
    connectionCount: () => embedded.connectionCount(),
    subscriptionCounts: () => Object.fromEntries(Object.entries(kinds).map(([kind, prefix]) => [kind, embedded.subscriptionCount(prefix)])),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export interface StartOptions {
  /** The handover lifecycle's clock (server/chat/deps.ts) and the keyring's (how long an unused conversation keeps its keys); tests move it instead of waiting. */
  clock?: () => Date;
  /** How webhook target names are resolved: the system's resolver, or a test's (a DNS server of its own). */
  resolveHost?: ResolveHost;
}

export async function startParley(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningParley> {
  const clock = options.clock ?? (() => new Date());
  // First: an IdP that cannot be discovered stops the start before anything is opened.
  const sso = config.oidc ? await discoverOidc(config.oidc) : undefined;
  const metrics = createMetrics();
  const store = timedStore(await openStore(config, clock), metrics);
  const engine = await loadBotEngine({ botsDir: config.botsDir, dataDir: config.dataDir, env: config.env, sharedBy: config.sharedBy });
  const limits = await createRateLimits({ redisUrl: config.redisUrl, ...config.rateLimits, logger });
  const rt = config.realtime;
  const masterKeyBase64 = Buffer.from(rt.encryptionKey).toString('base64');
  const channelSigner = new Pusher({ appId: rt.appId, key: rt.key, secret: rt.secret, cluster: rt.cluster, encryptionMasterKeyBase64: masterKeyBase64 });

  // The data-protection settings saved in the console, in force before anything reads a bot's policy.
  const botSettings = createBotSettings({ engine, store, logger: logger.child({ part: 'bot-settings' }) });
  await botSettings.refresh();
  const settingsRefresh = botSettings.start();

  // The pace follows the TTLs in force, which the console may shorten while the server runs.
  const sweepEvery = () => sweepInterval(engine.profiles());
  const sweeper = startRetentionSweeper({
    store,
    policies: () => engine.profiles().map((p) => retentionPolicyOf(p.id, p.policy)),
    intervalMs: sweepEvery,
    logger: logger.child({ part: 'retention' }),
    // One sweeper at a time across instances: the lease outlives a run and an interval after it.
    lease: () => {
      const now = Date.now();
      return store.lease('retention', instanceId, now, now + 2 * sweepEvery());
    },
    timeSweep: () => metrics.timeSweep('retention'),
  });
  // What expired while the server was down goes now, not one interval later.
  await sweeper.runOnce();

  const server = createServer(httpServerOptions(config.http));
  server.maxConnections = config.http.maxConnections;
  answerClientErrors(server);
  const port = await listen(server, config.port, config.host);
  const publicUrl = config.publicUrl ?? `http://localhost:${port}`;

  let embedded: EmbeddedRealtime | undefined;
  let publisher: Publisher;
  if (rt.mode === 'embedded') {
    embedded = createEmbeddedRealtime({
      appId: rt.appId,
      key: rt.key,
      secret: rt.secret,
      logger: logger.child({ part: 'realtime' }),
      // The visitors' conversation channels and the console's (a bot's handover queue, a conversation
      // it follows) are the only kinds Parley uses, all encrypted; public, private and presence
      // channels are never served.
      channelPrefixes: [conversationChannel(''), queueChannel(''), consoleConversationChannel('')],
      // pusher-js runs in the chat frame, which is served from PUBLIC_URL.
      allowedOrigins: [new URL(publicUrl).origin, ...rt.allowedOrigins],
      maxConnections: rt.maxConnections,
      maxConnectionsPerIp: rt.maxConnectionsPerIp,
      idleGraceMs: rt.idleGraceMs,
      clientIp: (req) => clientIpOf(req, config.trustProxy, config.trustProxyHops),
    });
    publisher = createInProcessPublisher(embedded, rt.encryptionKey);
  } else {
    publisher = createPusherPublisher({ ...rt, masterKey: rt.encryptionKey });
  }
  registerLiveGauges(metrics.registry, {
    store,
    handoverBots: () => engine.profiles().filter((p) => p.handover).map((p) => p.id),
    realtime: embedded && realtimeCounts(embedded),
  });
  const hooks = config.webhooks;
  const webhookWorker = startWebhookWorker(
    { store, logger, metrics, clock },
    {
      allowed: new Set(hooks.allowedTargets.map((entry) => hostPort(new URL(`http://${entry}`)))),
      resolve: options.resolveHost ?? systemResolver,
      timeoutMs: hooks.timeoutMs,
      retryBaseMs: hooks.retryBaseMs,
      maxAttempts: hooks.maxAttempts,
      // Often enough that a retry is not late by much more than its own wait.
      scanIntervalMs: Math.min(5000, hooks.retryBaseMs),
    },
  );
  const webhooks = createWebhookEvents(clock, () => webhookWorker.kick());
  const chat = { store, engine, publisher, logger, clock, config, metrics, webhooks };
  const turns = createTurnWorker(chat, config.turns);
  const handovers = startHandoverSweeper(chat, {
    intervalMs: config.handover.sweepIntervalMs,
    // One sweeper at a time across instances, as for retention.
    lease: () => {
      const now = Date.now();
      return store.lease('handovers', instanceId, now, now + 2 * config.handover.sweepIntervalMs);
    },
    timeSweep: () => metrics.timeSweep('handovers'),
  });
  const app = createApp({
    config,
    publicUrl,
    store,
    engine,
    botSettings,
    publisher,
    tokens: createTokenSealer(config.tokenKeys, config.tokenTtlMs, config.tokenRenewWindowMs),
    limits,
    turns,
    logger,
    clock,
    mailer: createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, publicUrl }),
    sso,
    channelSigner,
    realtimeClient: realtimeClientConfig(rt, publicUrl),
    distDir: join(installDir, 'dist'),
    publicDir: join(installDir, 'public'),
    metrics,
    webhooks,
  });
  const handle = app.callback();
  server.on('request', (req, res) => {
    if (!embedded?.handleHttp(req, res)) void handle(req, res);
  });
  // Turns a crash or a busy instance left pending start now; later ones come from kicks and scans.
  turns.start();
  server.on('upgrade', (req, socket, head) => {
    if (!embedded?.handleUpgrade(req, socket, head)) socket.destroy();
  });

  return {
    url: publicUrl,
    port,
    server,
    async close() {
      const sweeping = sweeper.stop();
      // Stop accepting first, so no new turn arrives, then let the running turns finish (their
      // replies are stored and published) before the relay and the store go away.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await turns.drain();
      // Sweeps work in steps across event-loop turns: one under way finishes before its lease and store go.
      await Promise.all([sweeping, handovers.stop(), settingsRefresh.stop(), webhookWorker.stop()]);
      await store.release('retention', instanceId).catch(() => undefined);
      await store.release('handovers', instanceId).catch(() => undefined);
      // Realtime sockets are told to reconnect (4200) before the HTTP server goes away.
      await embedded?.close();
      // End keep-alive connections too: close() alone waits for them.
      server.closeAllConnections();
      await closed;
      await limits.close();
      await store.close();
    },
  };
}
