// Rule: "per conversation at most 15 visitor messages a minute; session creation and channel auth
// limited per IP; Redis shares one budget across instances". Real Redis, no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createRateLimits, type Budget, type RateLimits, type RateVerdict } from '../../server/security/rate-limits.ts';
import { startRedis, type RedisHandle } from '../helpers/redis.ts';

async function consume(times: number, call: () => Promise<RateVerdict>): Promise<RateVerdict[]> {
  const out: RateVerdict[] = [];
  for (let i = 0; i < times; i++) out.push(await call());
  return out;
}

const okCount = (verdicts: RateVerdict[]): number => verdicts.filter((v) => v.ok).length;

const message = (botId: string, conversationId: string, perMinute: number): Budget => ({ kind: 'message', botId, conversationId, perMinute });
const newChat = (ip: string): Budget => ({ kind: 'newChat', ip });
const channelAuth = (ip: string): Budget => ({ kind: 'channelAuth', ip });

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

function sharedBehaviour(name: string, make: () => Promise<RateLimits>): void {
  describe(name, () => {
    let limits: RateLimits;
    beforeAll(async () => {
      limits = await make();
    });
    afterAll(async () => {
      await limits.close();
    });

    it('rate limit: the 16th visitor message within a minute is refused with Retry-After', async () => {
      const verdicts = await consume(16, () => limits.spend(message('demo', 'conv-a', 15)));
      expect(verdicts.slice(0, 15).every((v) => v.ok && v.retryAfterSec === 0)).toBe(true);
      const last = verdicts[15]!;
      expect(last.ok).toBe(false);
      expect(last.retryAfterSec).toBeGreaterThanOrEqual(1);
      expect(last.retryAfterSec).toBeLessThanOrEqual(60);
    });

    it('rate limit: conversations and bots have separate message budgets', async () => {
      expect(okCount(await consume(15, () => limits.spend(message('demo', 'conv-b', 15))))).toBe(15);
      expect(okCount(await consume(15, () => limits.spend(message('other', 'conv-b', 15))))).toBe(15);
      // Keys built from (bot, conversation) must not collide when ids contain the separator.
      expect(okCount(await consume(3, () => limits.spend(message('x:y', 'z', 2))))).toBe(2);
      expect((await limits.spend(message('x', 'y:z', 2))).ok).toBe(true);
    });

    it('rate limit: a bot-configured budget is honoured', async () => {
      expect(okCount(await consume(6, () => limits.spend(message('strict', 'c', 3))))).toBe(3);
      expect(okCount(await consume(7, () => limits.spend(message('loose', 'c', 6))))).toBe(6);
    });

    it('rate limit: session creation is limited per IP (30 per 10 minutes by default)', async () => {
      const verdicts = await consume(31, () => limits.spend(newChat('203.0.113.7')));
      expect(okCount(verdicts)).toBe(30);
      const last = verdicts[30]!;
      expect(last.ok).toBe(false);
      expect(last.retryAfterSec).toBeGreaterThan(60);
      expect(last.retryAfterSec).toBeLessThanOrEqual(600);
      expect((await limits.spend(newChat('203.0.113.8'))).ok).toBe(true);
    });

    it('rate limit: channel auth is limited per IP (120 per minute by default)', async () => {
      const verdicts = await Promise.all(Array.from({ length: 130 }, () => limits.spend(channelAuth('2001:db8::1'))));
      expect(okCount(verdicts)).toBe(120);
      expect((await limits.spend(channelAuth('2001:db8::2'))).ok).toBe(true);
    });

    it('rate limit: a refunded point can be spent again, and only that one', async () => {
      expect(okCount(await consume(3, () => limits.spend(message('refund', 'c', 3))))).toBe(3);
      await limits.refund(message('refund', 'c', 3));
      expect(okCount(await consume(2, () => limits.spend(message('refund', 'c', 3))))).toBe(1);
      // Refunds are per budget: giving back a message point does not add a new chat.
      expect(okCount(await consume(31, () => limits.spend(newChat('203.0.113.99'))))).toBe(30);
      await limits.refund(message('refund', 'c', 3));
      expect((await limits.spend(newChat('203.0.113.99'))).ok).toBe(false);
    });

    it('rate limit: a non-positive or fractional budget is a clear error', async () => {
      await expect(limits.spend(message('demo', 'c', 0))).rejects.toThrow(/perMinute/);
      await expect(limits.spend(message('demo', 'c', 1.5))).rejects.toThrow(/perMinute/);
    });
  });
}

sharedBehaviour('rate limits in memory', () => createRateLimits({}));

describe('rate limits over a real Redis', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  sharedBehaviour('one instance', () => createRateLimits({ redisUrl: redis.url, keyPrefix: 'single' }));

  it('rate limit: two instances sharing one Redis see one budget', async () => {
    const a = await createRateLimits({ redisUrl: redis.url, keyPrefix: 'shared', sessionsPerIpPer10Min: 5 });
    const b = await createRateLimits({ redisUrl: redis.url, keyPrefix: 'shared', sessionsPerIpPer10Min: 5 });
    try {
      // Interleaved and concurrent: exactly 15 of 40 pass, whichever instance took them.
      const verdicts = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).spend(message('demo', 'conv-shared', 15))),
      );
      expect(okCount(verdicts)).toBe(15);
      expect(okCount(await consume(3, () => a.spend(newChat('198.51.100.1'))))).toBe(3);
      expect(okCount(await consume(3, () => b.spend(newChat('198.51.100.1'))))).toBe(2);
      // A different key prefix is a different deployment: its own budget.
      const c = await createRateLimits({ redisUrl: redis.url, keyPrefix: 'elsewhere' });
      expect((await c.spend(message('demo', 'conv-shared', 15))).ok).toBe(true);
      await c.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rate limit: when Redis goes away, limits keep holding from memory (insurance)', async () => {
    const own = await startRedis();
    let outageNoticed!: () => void;
    const noticed = new Promise<void>((resolve) => (outageNoticed = resolve));
    const limits = await createRateLimits({
      redisUrl: own.url,
      keyPrefix: 'outage',
      logger: {
        warn: (_obj, msg) => {
          if (/redis unavailable/.test(String(msg))) outageNoticed();
        },
      },
    });
    try {
      expect((await limits.spend(message('demo', 'c', 4))).ok).toBe(true);
      await own.stop();
      // The limiter's own signal that it has seen the outage (and says so to the operator).
      await noticed;
      const verdicts = await consume(6, () => limits.spend(message('demo', 'c', 4)));
      expect(okCount(verdicts)).toBe(4);
      expect(verdicts[5]).toMatchObject({ ok: false });
    } finally {
      await limits.close();
    }
  });

  it('rate limit: an unreachable Redis at start does not hang or crash; memory limits apply', async () => {
    const port = await closedPort();
    const started = Date.now();
    const limits = await createRateLimits({
      redisUrl: `redis://127.0.0.1:${port}`,
      redisConnectTimeoutMs: 500,
      sessionsPerIpPer10Min: 2,
    });
    try {
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(okCount(await consume(3, () => limits.spend(newChat('192.0.2.9'))))).toBe(2);
    } finally {
      await limits.close();
    }
  });
});
