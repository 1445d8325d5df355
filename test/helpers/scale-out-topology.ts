// The deployment docs/design.md "Tested deployment" describes, on loopback: nginx in front of two
// (or more) Parley processes with their own DATA_DIRs and the same configured secrets, soketi as
// the relay behind the same nginx, one MongoDB-protocol store (FerretDB) and one Redis. The test,
// the e2e spec and the benchmark all start it from here, so they prove the same thing.
import { deploymentSecrets } from './deployment-secrets.ts';
import { startMongoServer } from './mongodb.ts';
import { startNginx, type RunningNginx } from './nginx.ts';
import { startParley, type ParleyProcess } from './parley-server.ts';
import { freePort } from './ports.ts';
import { startRedis } from './redis.ts';
import { startSoketi } from './soketi.ts';

export interface TopologyOptions {
  /** More environment for every instance (BOTS_DIR, TURN_LEASE, limits…). */
  env?: Record<string, string>;
  instances?: number;
}

export interface Topology {
  /** `http://127.0.0.1:<nginx port>`: the only address visitors use (page, API, WebSocket). */
  origin: string;
  nginx: RunningNginx;
  instances: ParleyProcess[];
  /** The environment every instance got (the deployment's configuration, secrets included). */
  env: Record<string, string>;
  /** How nginx names an instance in its access log and the X-Upstream header. */
  upstreamOf(instance: ParleyProcess): string;
  stop(): Promise<void>;
}

export async function startTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const next of stops.splice(0).reverse()) await next().catch(() => {});
  };
  try {
    const secrets = deploymentSecrets();
    const soketi = await startSoketi({ appId: secrets.PUSHER_APP_ID!, key: secrets.PUSHER_KEY!, secret: secrets.PUSHER_SECRET! });
    stops.push(() => soketi.stop());
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const mongo = await startMongoServer();
    stops.push(() => mongo.stop());
    // Parley must know the proxy's address before it starts (PUBLIC_URL, PUSHER_PORT).
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const env = {
      ...secrets,
      PUBLIC_URL: origin,
      TRUST_PROXY: 'true',
      REALTIME: 'pusher',
      // The frame's pusher-js and the server's publisher both reach soketi through nginx.
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(port),
      PUSHER_USE_TLS: 'false',
      MONGODB_URI: mongo.freshDatabaseUri(),
      REDIS_URL: redis.url,
      ...opts.env,
    };
    const instances = await Promise.all(Array.from({ length: opts.instances ?? 2 }, () => startParley(env)));
    for (const instance of instances) stops.push(() => instance.stop('SIGKILL'));
    const nginx = await startNginx({ port, parley: instances.map((i) => i.port), relay: soketi.port });
    stops.push(() => nginx.stop());
    return { origin, nginx, instances, env, upstreamOf: (instance) => `127.0.0.1:${instance.port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
