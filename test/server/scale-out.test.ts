// Two Parley instances behind one load balancer share what a client may do: with REDIS_URL set,
// a per-IP budget is one budget, whichever instance a request reaches. Each instance has its own
// DATA_DIR and the same configured secrets, as a deployment would run them.
//
// What this does not show: with SQLite each instance keeps its own conversations, so a
// conversation's message budget across instances (which needs both to know the conversation)
// waits for a shared store (MongoDB); rate-limits.test.ts shows that budget shared at the limiter.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { startRedis, type RedisHandle } from '../helpers/redis.ts';
import { authorize, call, DEMO_ORIGIN, openSession } from '../helpers/visitor-api.ts';
import { madeTempDir } from '../helpers/temp-dirs.ts';

type Instance = Awaited<ReturnType<typeof startInProcess>>;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A Redis and two instances with their own data dirs, the same secrets and `limits`. */
async function deployment(limits: Record<string, string>): Promise<[Instance, Instance]> {
  const redis: RedisHandle = await startRedis();
  cleanups.push(() => redis.stop());
  const shared = { ...deploymentSecrets(), REDIS_URL: redis.url, ...limits };
  const start = async (): Promise<Instance> => {
    const instance = await startInProcess({ ...shared, DATA_DIR: madeTempDir('parley-scale-') });
    cleanups.push(() => instance.close());
    return instance;
  };
  const pair: [Instance, Instance] = [await start(), await start()];
  // Configured, not generated: no instance wrote a secrets.json of its own.
  for (const instance of pair) expect(existsSync(join(instance.config.dataDir, 'secrets.json'))).toBe(false);
  expect(pair[0].config.dataDir).not.toBe(pair[1].config.dataDir);
  return pair;
}

describe('scale-out with REDIS_URL', () => {
  it('rate limit: two instances sharing one Redis allow RATE_SESSIONS_PER_IP new chats per IP in all', async () => {
    const [a, b] = await deployment({ RATE_SESSIONS_PER_IP: '6' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await call(i % 2 ? b.url : a.url, '/api/v1/sessions', { json: { bot: 'demo', origin: DEMO_ORIGIN } });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429, 429, 429]);
  });

  it('rate limit: two instances sharing one Redis allow RATE_AUTH_PER_IP channel auths per IP in all', async () => {
    const [a, b] = await deployment({ RATE_AUTH_PER_IP: '5' });
    // Each conversation lives in the SQLite file of the instance that started it.
    const sessions = [await openSession(a.url), await openSession(b.url)] as const;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const [instance, session] = i % 2 ? [b, sessions[1]] : [a, sessions[0]];
      statuses.push((await authorize(instance.url, session.token, '1234.5678', session.channel)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it("refuses to start without the bot's identity secret: each instance would generate its own, and a signed visitor would be known to one only", async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const { PARLEY_DEMO_IDENTITY_SECRET: _, ...secrets } = deploymentSecrets();
    await expect(startInProcess({ REDIS_URL: redis.url, ...secrets })).rejects.toThrow(
      /bot "demo": REDIS_URL means several instances share data, so its identity secret cannot be generated: set PARLEY_DEMO_IDENTITY_SECRET/,
    );
  });
});
