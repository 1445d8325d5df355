// Rule: "over the limit: 429 with Retry-After, nothing stored" and "a spoofed X-Forwarded-For does
// not reset a per-IP limit", over real HTTP against a real Parley process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { authorize, call, DEMO_ORIGIN, history, openSession, send } from '../helpers/visitor-api.ts';

const newSession = (base: string, headers: Record<string, string> = {}) =>
  call(base, '/api/v1/sessions', { json: { bot: 'demo', origin: DEMO_ORIGIN }, headers });

/** Opens one session per X-Forwarded-For value, in turn; whether each opened or was limited. */
async function sessionOutcomes(base: string, forwardedFor: string[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const value of forwardedFor) {
    const { status } = await newSession(base, { 'X-Forwarded-For': value });
    outcomes.push(status === 429 ? 'limited' : status === 201 ? 'opened' : `status ${status}`);
  }
  return outcomes;
}
/** RATE_SESSIONS_PER_IP=3: three open, the fourth from the same client is limited, another client opens. */
const LIMITED_AFTER_THREE_THEN_OTHER_CLIENT = ['opened', 'opened', 'opened', 'limited', 'opened'];

describe('rate limits over HTTP', { timeout: 90_000 }, () => {
  let direct: ParleyProcess;
  let proxied: ParleyProcess;
  let twoProxies: ParleyProcess;
  beforeAll(async () => {
    [direct, proxied, twoProxies] = await Promise.all([
      startParley({ RATE_SESSIONS_PER_IP: '3' }),
      startParley({ RATE_SESSIONS_PER_IP: '3', TRUST_PROXY: 'true' }),
      startParley({ RATE_SESSIONS_PER_IP: '3', TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2' }),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([direct?.stop(), proxied?.stop(), twoProxies?.stop()]);
  });

  it('rate limit: the 16th message in a minute is 429 with Retry-After and is not stored', async () => {
    const session = await openSession(proxied.url);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 1; i <= 16; i++) {
      const res = await send(proxied.url, session.token, `m${i}`, `message number ${i}`);
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(res.body).toMatchObject({ error: { code: expect.any(String) } });
      }
    }
    expect(statuses.slice(0, 15).every((s) => s === 202)).toBe(true);
    expect(statuses[15]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const visitorTexts = (await history(proxied.url, session.token)).filter((m) => m.sender === 'visitor').map((m) => m.text);
    expect(visitorTexts).toHaveLength(15);
    expect(visitorTexts).not.toContain('message number 16');
  });

  it('rate limit: a spoofed X-Forwarded-For does not reset the per-IP session limit without TRUST_PROXY', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await newSession(direct.url, { 'X-Forwarded-For': `198.51.100.${i}` })).status);
    expect(statuses.slice(0, 3).every((s) => s === 201 || s === 200)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const refused = await newSession(direct.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rate limit: behind a trusted proxy the client address from X-Forwarded-For is what is limited', async () => {
    // The fifth is another client behind the same proxy: it has its own budget.
    const forwarded = ['203.0.113.10', '203.0.113.10', '203.0.113.10', '203.0.113.10', '203.0.113.11'];
    expect(await sessionOutcomes(proxied.url, forwarded)).toEqual(LIMITED_AFTER_THREE_THEN_OTHER_CLIENT);
  });

  // nginx ($proxy_add_x_forwarded_for) and ALB append the address they saw to whatever the client
  // sent, so only the entries the trusted proxies wrote (counted from the right) say who connected.
  it('rate limit: behind an appending proxy the client-written leftmost X-Forwarded-For never becomes the key', async () => {
    const forwarded = [0, 1, 2, 3].map((i) => `198.51.100.${i}, 203.0.113.20`).concat('198.51.100.0, 203.0.113.21');
    expect(await sessionOutcomes(proxied.url, forwarded)).toEqual(LIMITED_AFTER_THREE_THEN_OTHER_CLIENT);
  });

  it('rate limit: with TRUST_PROXY_HOPS=2 the address two hops from the right is the key', async () => {
    // The last is another client through the same first proxy (10.0.0.1).
    const forwarded = [0, 1, 2, 3].map((i) => `198.51.100.${i}, 203.0.113.30, 10.0.0.1`).concat('198.51.100.0, 203.0.113.31, 10.0.0.1');
    expect(await sessionOutcomes(twoProxies.url, forwarded)).toEqual(LIMITED_AFTER_THREE_THEN_OTHER_CLIENT);
  });
});

// Finding 11: each budget is charged for what it meters, and nothing else.
describe('rate limits charge what they meter', () => {
  it('rate limit: 40 resumes from one IP all succeed, while new chats from it are still limited', async () => {
    const parley = await startInProcess({ RATE_SESSIONS_PER_IP: '3' });
    try {
      let session = await openSession(parley.url);
      for (let page = 1; page <= 40; page++) {
        const res = await call(parley.url, '/api/v1/sessions', { json: { bot: 'demo', origin: DEMO_ORIGIN, resume: session.token } });
        expect(res.status, `page ${page}`).toBe(200);
        expect(res.body.conversationId).toBe(session.conversationId);
        session = res.body;
      }
      expect((await newSession(parley.url)).status).toBe(201);
      expect((await newSession(parley.url)).status).toBe(201);
      const refused = await newSession(parley.url);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      // A resume whose token names no live conversation is a new chat, and is refused as one.
      const garbage = await call(parley.url, '/api/v1/sessions', { json: { bot: 'demo', origin: DEMO_ORIGIN, resume: 'garbage' } });
      expect(garbage.status).toBe(429);
      // The visitor with a conversation carries on.
      expect((await openSession(parley.url, { resume: session.token })).resumed).toBe(true);
    } finally {
      await parley.close();
    }
  });

  it('rate limit: a retried clientId that is already stored spends none of the message budget', async () => {
    const parley = await startInProcess();
    try {
      const session = await openSession(parley.url);
      for (let attempt = 1; attempt <= 20; attempt++) {
        const res = await send(parley.url, session.token, 'same-message', 'hello, are you there?');
        expect(res.status, `attempt ${attempt}`).toBe(202);
      }
      // 15 a minute: the one stored message plus 14 new ones fit; the 16th new one does not.
      for (let i = 2; i <= 15; i++) expect((await send(parley.url, session.token, `m${i}`, `message ${i}`)).status, `message ${i}`).toBe(202);
      expect((await send(parley.url, session.token, 'm16', 'message 16')).status).toBe(429);
    } finally {
      await parley.close();
    }
  });

  it('rate limit: channel auth with invalid tokens is counted per IP and reaches 429', async () => {
    const parley = await startInProcess({ RATE_AUTH_PER_IP: '5' });
    try {
      const session = await openSession(parley.url);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await authorize(parley.url, `not-a-token-${i}`, '1.1', session.channel)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      // The budget is the IP's: a valid token from the same IP is refused too until it refills.
      const valid = await authorize(parley.url, session.token, '1.1', session.channel);
      expect(valid.status).toBe(429);
      expect(Number(valid.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await parley.close();
    }
  });
});
