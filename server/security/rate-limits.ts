// Rate limits for the abuse-prone entry points: new messages (per conversation), new chats
// (per client IP), channel auth (per client IP), console logins (per client IP and per account)
// and typing signals in a handover (per conversation and side). Each budget meters one thing: resuming a chat
// is not a new chat, a retried message is not a new message (its point is refunded), and every
// channel-auth attempt counts, valid token or not. server/http/rate-limit.ts charges them.
//
// Memory by default; with a Redis URL every Parley instance shares one budget, so a second
// instance behind the load balancer does not double what a client may do.
//
// Redis unreachable → in-memory insurance, not fail-closed. Each instance then enforces the full
// budget on its own (a client can get at most N× the budget across N instances) until Redis is
// back. Failing closed would turn a Redis outage into a chat outage for every visitor, which is
// a worse trade for a limiter whose job is to blunt abuse, not to meter billing.
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export interface RateVerdict {
  ok: boolean;
  retryAfterSec: number;
}

/** What a request is charged to. */
export type Budget =
  /** A new conversation. Default: 30 per 10 minutes per IP. */
  | { kind: 'newChat'; ip: string }
  /** A channel-auth attempt. Default: 120 per minute per IP. */
  | { kind: 'channelAuth'; ip: string }
  /** A new visitor message. The bot's budget per minute per conversation (default 15). */
  | { kind: 'message'; botId: string; conversationId: string; perMinute: number }
  /** A console login attempt from one IP, whatever the account. Default: 30 per 10 minutes. */
  | { kind: 'consoleLoginIp'; ip: string }
  /** A console login attempt at one account (the lower-cased address, known or not), from anywhere: 10 per 15 minutes. */
  | { kind: 'consoleLoginAccount'; email: string }
  /** A password-reset request from one IP, whatever the address: 10 per hour. */
  | { kind: 'passwordResetIp'; ip: string }
  /** A password-reset request for one address (lower-cased, known or not), from anywhere: 3 per hour, so nobody's inbox is flooded. */
  | { kind: 'passwordResetAccount'; email: string }
  /**
   * A typing signal in a handover, per conversation and side (the visitor's, the operator's): 60 per
   * minute, room for a debounced start and stop every two seconds, none for a flood of relay events.
   */
  | { kind: 'typing'; conversationId: string; side: 'visitor' | 'operator' };

export interface RateLimits {
  /** Takes one point of the budget; not ok, with the seconds until one is back, when none is left. */
  spend(budget: Budget): Promise<RateVerdict>;
  /** Gives back a point spent on a request that turned out to cost nothing (a retried message). */
  refund(budget: Budget): Promise<void>;
  /** Forgets what was spent: an administrator lifting an account's lock gives its budget back too. */
  forgive(budget: Budget): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitOptions {
  redisUrl?: string;
  sessionsPerIpPer10Min?: number;
  authPerIpPerMin?: number;
  consoleLoginsPerIpPer10Min?: number;
  keyPrefix?: string;
  /** Told when Redis errors or drops, so operators see that limits fell back to memory. */
  logger?: { warn(obj: object, msg?: string): void };
  /** How long createRateLimits waits for Redis before starting on insurance. */
  redisConnectTimeoutMs?: number;
}

export const DEFAULT_SESSIONS_PER_IP_PER_10_MIN = 30;
export const DEFAULT_AUTH_PER_IP_PER_MIN = 120;
export const DEFAULT_CONSOLE_LOGINS_PER_IP_PER_10_MIN = 30;
/** Per account: slow enough that guessing is hopeless, and the lock (server/http/routes/console/login.ts) comes first. */
export const CONSOLE_LOGINS_PER_ACCOUNT_PER_15_MIN = 10;

/** Typing signals per conversation and side per minute. */
export const TYPING_PER_MINUTE = 60;

interface LimiterSpec {
  name: string;
  points: number;
  durationSec: number;
}

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Waits for the client to become ready, but never longer than `timeoutMs`; never throws. */
function waitForReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}

async function verdict(limiter: RateLimiterAbstract, key: string): Promise<RateVerdict> {
  try {
    await limiter.consume(key, 1);
    return { ok: true, retryAfterSec: 0 };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    // Only reachable if the insurance limiter itself failed, which memory limiters do not.
    throw rejection;
  }
}

export async function createRateLimits(opts: RateLimitOptions = {}): Promise<RateLimits> {
  const prefix = opts.keyPrefix ?? 'parley';
  const sessionsPer10Min = requirePositiveInteger(
    'sessionsPerIpPer10Min',
    opts.sessionsPerIpPer10Min ?? DEFAULT_SESSIONS_PER_IP_PER_10_MIN,
  );
  const authPerMin = requirePositiveInteger('authPerIpPerMin', opts.authPerIpPerMin ?? DEFAULT_AUTH_PER_IP_PER_MIN);

  let redis: Redis | undefined;
  if (opts.redisUrl) {
    redis = new Redis(opts.redisUrl, {
      // Fail fast while disconnected so the insurance limiter answers instead of requests hanging.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    let warned = false;
    redis.on('error', (error: Error) => {
      // Without a listener ioredis prints every reconnect failure; log once per outage instead.
      if (warned) return;
      warned = true;
      opts.logger?.warn({ err: { message: error.message } }, 'rate limits: redis unavailable, using in-memory limits');
    });
    redis.on('ready', () => (warned = false));
    await waitForReady(redis, opts.redisConnectTimeoutMs ?? 2_000);
  }

  const makeLimiter = (spec: LimiterSpec): RateLimiterAbstract => {
    const keyPrefix = `${prefix}:${spec.name}`;
    const memory = new RateLimiterMemory({ keyPrefix, points: spec.points, duration: spec.durationSec });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points: spec.points,
      duration: spec.durationSec,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };

  const sessionLimiter = makeLimiter({ name: 'session-ip', points: sessionsPer10Min, durationSec: 600 });
  const authLimiter = makeLimiter({ name: 'auth-ip', points: authPerMin, durationSec: 60 });
  const consoleIpLimiter = makeLimiter({
    name: 'console-login-ip',
    points: requirePositiveInteger('consoleLoginsPerIpPer10Min', opts.consoleLoginsPerIpPer10Min ?? DEFAULT_CONSOLE_LOGINS_PER_IP_PER_10_MIN),
    durationSec: 600,
  });
  const consoleAccountLimiter = makeLimiter({ name: 'console-login-account', points: CONSOLE_LOGINS_PER_ACCOUNT_PER_15_MIN, durationSec: 900 });
  const resetIpLimiter = makeLimiter({ name: 'password-reset-ip', points: 10, durationSec: 3600 });
  const resetAccountLimiter = makeLimiter({ name: 'password-reset-account', points: 3, durationSec: 3600 });
  const typingLimiter = makeLimiter({ name: 'typing', points: TYPING_PER_MINUTE, durationSec: 60 });
  // Bots may configure different per-minute budgets; one limiter per distinct budget.
  const messageLimiters = new Map<number, RateLimiterAbstract>();
  const messageLimiter = (perMinute: number): RateLimiterAbstract => {
    let limiter = messageLimiters.get(perMinute);
    if (!limiter) {
      limiter = makeLimiter({ name: `msg-${perMinute}`, points: perMinute, durationSec: 60 });
      messageLimiters.set(perMinute, limiter);
    }
    return limiter;
  };

  const meter = (budget: Budget): [RateLimiterAbstract, string] => {
    switch (budget.kind) {
      case 'newChat':
        return [sessionLimiter, budget.ip];
      case 'channelAuth':
        return [authLimiter, budget.ip];
      case 'consoleLoginIp':
        return [consoleIpLimiter, budget.ip];
      case 'consoleLoginAccount':
        return [consoleAccountLimiter, budget.email];
      case 'passwordResetIp':
        return [resetIpLimiter, budget.ip];
      case 'passwordResetAccount':
        return [resetAccountLimiter, budget.email];
      case 'typing':
        return [typingLimiter, JSON.stringify([budget.conversationId, budget.side])];
      case 'message':
        requirePositiveInteger('perMinute', budget.perMinute);
        // JSON-encode the pair so "a:b"+"c" and "a"+"b:c" cannot share a budget.
        return [messageLimiter(budget.perMinute), JSON.stringify([budget.botId, budget.conversationId])];
    }
  };

  return {
    async spend(budget) {
      return verdict(...meter(budget));
    },
    async refund(budget) {
      const [limiter, key] = meter(budget);
      // Insurance covers Redis outages; should even that fail, the visitor merely lost one point.
      await limiter.reward(key, 1).catch((err: unknown) => opts.logger?.warn({ err }, 'rate limits: refund failed'));
    },
    async forgive(budget) {
      const [limiter, key] = meter(budget);
      await limiter.delete(key).catch((err: unknown) => opts.logger?.warn({ err }, 'rate limits: forgive failed'));
    },
    async close() {
      if (!redis) return;
      if (redis.status === 'ready') {
        await redis.quit().catch(() => redis?.disconnect());
      } else {
        redis.disconnect();
      }
    },
  };
}
