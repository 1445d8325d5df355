// Finding 8: an access level lasts as long as the identity that granted it, and belongs to the
// person it names. Real identities signed with the demo bot's secret, real HTTP, the server's clock
// moved forward (only Date is faked; timers and sockets stay real).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { call, history, openSession, waitForHistory } from '../helpers/visitor-api.ts';
import { signVisitorIdentity } from '../../server/bot/identity.ts';
import type { SessionResponse } from '../../common/wire.ts';

const REFUSAL = 'I can only help with that once you are signed in to your Nordlys account.';
const PRIORITY_LINE = /priority line/;

let parley: Awaited<ReturnType<typeof startInProcess>>;
let secret: string;
beforeAll(async () => {
  parley = await startInProcess();
  // The demo bot has premium intents, so the server generated its identity secret at start.
  secret = readFileSync(join(parley.config.dataDir, 'identity-demo.secret'), 'utf8').trim();
});
afterAll(() => parley?.close());
afterEach(() => {
  vi.useRealTimers();
});

const identity = (sub: string, ttl = '10m') => signVisitorIdentity(secret, { sub, level: 'premium' }, ttl);

let turn = 0;
/** Presses the demo bot's premium-only button and returns what the bot answered. */
async function askPriority(session: SessionResponse): Promise<string> {
  const clientId = `priority-${++turn}`;
  const res = await call(parley.url, '/api/v1/messages', { token: session.token, json: { clientId, action: 'intent:priority_support' } });
  expect(res.status).toBe(202);
  const sent = res.body.message.id as number;
  const messages = await waitForHistory(parley.url, session.token, (all) => all.some((m) => m.id > sent && m.sender === 'bot'));
  return messages.find((m) => m.id > sent && m.sender === 'bot')!.text;
}

describe('identity and access level', () => {
  it('a premium identity reaches premium intents while it is valid', async () => {
    const session = await openSession(parley.url, { identity: await identity('ada') });
    expect(await askPriority(session)).toMatch(PRIORITY_LINE);
  });

  it('past the identity\'s exp the visitor is public, on the same token and after resume, until a fresh identity', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const session = await openSession(parley.url, { identity: await identity('ada', '10m') });
    expect(await askPriority(session)).toMatch(PRIORITY_LINE);

    // Eleven minutes on: the identity has expired, the visitor token (24 h) has not.
    vi.setSystemTime(Date.now() + 11 * 60_000);
    expect(await askPriority(session)).toBe(REFUSAL);
    const resumed = await openSession(parley.url, { resume: session.token });
    expect(resumed.resumed).toBe(true);
    expect(resumed.conversationId).toBe(session.conversationId);
    expect(await askPriority(resumed)).toBe(REFUSAL);

    // The site vouches for the same person again: same conversation, premium again.
    const refreshed = await openSession(parley.url, { resume: resumed.token, identity: await identity('ada') });
    expect(refreshed.conversationId).toBe(session.conversationId);
    expect(await askPriority(refreshed)).toMatch(PRIORITY_LINE);
  });

  it('an identity that expires while the visitor token is renewed stays expired in the renewed token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const session = await openSession(parley.url, { identity: await identity('ada', '10m') });
    // A day and a minute on: the visitor token expired too and is renewed within its window.
    vi.setSystemTime(Date.now() + 24 * 3_600_000 + 60_000);
    expect((await call(parley.url, '/api/v1/messages', { token: session.token })).status).toBe(401);
    const renewed = await openSession(parley.url, { resume: session.token });
    expect(renewed.resumed).toBe(true);
    expect(await askPriority(renewed)).toBe(REFUSAL);
  });

  it('a forged identity on resume neither grants nor keeps more than the token already has', async () => {
    const session = await openSession(parley.url);
    const forged = await signVisitorIdentity('not-the-demo-secret-but-long-enough-0123456789', { sub: 'mallory', level: 'premium' });
    const resumed = await openSession(parley.url, { resume: session.token, identity: forged });
    expect(resumed.conversationId).toBe(session.conversationId);
    expect(await askPriority(resumed)).toBe(REFUSAL);
  });

  it('an identity of someone else starts a new conversation instead of resuming theirs', async () => {
    const ada = await openSession(parley.url, { identity: await identity('ada') });
    expect(await askPriority(ada)).toMatch(PRIORITY_LINE);

    const bob = await openSession(parley.url, { resume: ada.token, identity: await identity('bob') });
    expect(bob.resumed).toBe(false);
    expect(bob.conversationId).not.toBe(ada.conversationId);
    const bobSees = await history(parley.url, bob.token);
    expect(bobSees.some((m) => PRIORITY_LINE.test(m.text))).toBe(false);
    expect(bobSees.every((m) => m.conversationId === bob.conversationId)).toBe(true);
    // Bob's own identity does grant him premium in his own conversation.
    expect(await askPriority(bob)).toMatch(PRIORITY_LINE);
    // Ada's conversation is untouched and still hers.
    const adaAgain = await openSession(parley.url, { resume: ada.token, identity: await identity('ada') });
    expect(adaAgain.conversationId).toBe(ada.conversationId);
  });

  it('signing in during an anonymous conversation keeps it, and binds it to that person from then on', async () => {
    const anonymous = await openSession(parley.url);
    expect(await askPriority(anonymous)).toBe(REFUSAL);
    const signedIn = await openSession(parley.url, { resume: anonymous.token, identity: await identity('cleo') });
    expect(signedIn.conversationId).toBe(anonymous.conversationId);
    expect(await askPriority(signedIn)).toMatch(PRIORITY_LINE);
    const someoneElse = await openSession(parley.url, { resume: signedIn.token, identity: await identity('dan') });
    expect(someoneElse.conversationId).not.toBe(anonymous.conversationId);
  });
});
