// Assembles one Parley server: store, bot engine, realtime (embedded or external), Koa app, all on
// one HTTP server. main.ts calls it with the environment; tests call it with their own config.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Pusher from 'pusher';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
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

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startParley(config: Config, logger: Logger): Promise<RunningParley> {
  const store = await openStore(config);
  const engine = await loadBotEngine({ botsDir: config.botsDir, dataDir: config.dataDir });
  const limits = await createRateLimits({ redisUrl: config.redisUrl, ...config.rateLimits, logger });
  const rt = config.realtime;
  const masterKeyBase64 = Buffer.from(rt.encryptionKey).toString('base64');

  let embedded: EmbeddedRealtime | undefined;
  let publisher: Publisher;
  if (rt.mode === 'embedded') {
    embedded = createEmbeddedRealtime({ appId: rt.appId, key: rt.key, secret: rt.secret, logger: logger.child({ part: 'realtime' }) });
    publisher = createInProcessPublisher(embedded, rt.encryptionKey);
  } else {
    publisher = createPusherPublisher({ ...rt, masterKey: rt.encryptionKey });
  }
  const channelSigner = new Pusher({ appId: rt.appId, key: rt.key, secret: rt.secret, cluster: rt.cluster, encryptionMasterKeyBase64: masterKeyBase64 });

  const sweeper = startRetentionSweeper({
    store,
    policies: () => engine.profiles().map((p) => retentionPolicyOf(p.id, p.policy)),
    intervalMs: sweepInterval(engine.profiles()),
    logger: logger.child({ part: 'retention' }),
  });
  // What expired while the server was down goes now, not one interval later.
  await sweeper.runOnce();

  const server = createServer();
  const port = await listen(server, config.port, config.host);
  const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
  const app = createApp({
    config,
    publicUrl,
    store,
    engine,
    publisher,
    tokens: createTokenSealer(config.tokenKeys, config.tokenTtlMs, config.tokenRenewWindowMs),
    limits,
    logger,
    channelSigner,
    realtimeClient: realtimeClientConfig(rt, publicUrl),
    distDir: `${ROOT}dist`,
    publicDir: `${ROOT}public`,
  });
  const handle = app.callback();
  server.on('request', (req, res) => {
    if (!embedded?.handleHttp(req, res)) void handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (!embedded?.handleUpgrade(req, socket, head)) socket.destroy();
  });

  return {
    url: publicUrl,
    port,
    server,
    async close() {
      // Realtime first: sockets are told to reconnect (4200) before the HTTP server goes away.
      const sweeping = sweeper.stop();
      await embedded?.close();
      // Stop accepting, then end keep-alive connections too: close() alone waits for them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await limits.close();
      // Sweeps work in steps across event-loop turns: one under way finishes before its store closes.
      await sweeping;
      await store.close();
    },
  };
}
