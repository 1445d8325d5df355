// Two Parley instances behind one load balancer share what a visitor may do: with REDIS_URL set,
// the per-conversation message budget is one budget, whichever instance a request reaches.
// (Both instances open the same SQLite file here; in production they would share MongoDB.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { startRedis, type RedisHandle } from '../helpers/redis.ts';
import { history, openSession, send } from '../helpers/visitor-api.ts';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe('scale-out with REDIS_URL', () => {
  it('rate limit: two instances sharing one Redis allow 15 messages a minute per conversation in all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-scale-'));
    const secrets = deploymentSecrets();
    const a = await startInProcess({ DATA_DIR: dataDir, REDIS_URL: redis.url, ...secrets });
    const b = await startInProcess({ DATA_DIR: dataDir, REDIS_URL: redis.url, ...secrets });
    try {
      const session = await openSession(a.url);
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) {
        const res = await send(i % 2 ? b.url : a.url, session.token, `s${i}`, `message ${i}`);
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses.filter((s) => s === 202)).toHaveLength(15);
      expect(statuses.filter((s) => s === 429)).toHaveLength(9);
      const stored = (await history(b.url, session.token)).filter((m) => m.sender === 'visitor');
      expect(stored).toHaveLength(15);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("refuses to start without the bot's identity secret: each instance would generate its own, and a signed visitor would be known to one only", async () => {
    const { PARLEY_DEMO_IDENTITY_SECRET: _, ...secrets } = deploymentSecrets();
    await expect(startInProcess({ REDIS_URL: redis.url, ...secrets })).rejects.toThrow(
      /bot "demo": REDIS_URL means several instances share data, so its identity secret cannot be generated: set PARLEY_DEMO_IDENTITY_SECRET/,
    );
  });
});
