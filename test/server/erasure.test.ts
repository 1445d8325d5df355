// Rule: "a visitor can have their conversation deleted" holds after the chat has gone quiet too:
// DELETE /api/v1/conversation reaches an archived conversation, and accepts a token that expired
// within TOKEN_RENEW_WINDOW. Only DELETE is that lenient; every other route still refuses both.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { authorize, call, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { openedArchive, readSqliteArchive } from '../helpers/data-files.ts';
import { createTokenSealer } from '../../server/tokens/visitor-token.ts';
import { openSqliteStore } from '../../server/store/index.ts';
import type { SessionResponse } from '../../common/wire.ts';

const DAY = 86_400_000;
let parley: Awaited<ReturnType<typeof startInProcess>>;
beforeAll(async () => {
  parley = await startInProcess();
});
afterAll(() => parley?.close());

const liveFile = () => path.join(parley.config.dataDir, 'parley.db');
/** The archive file as read from outside the store, opened with the key store's keys. */
const readArchive = (id: string) => openedArchive(parley.config, readSqliteArchive(path.join(parley.config.dataDir, 'parley-archive.db')))(id);
const deleteWith = (token: string) => call(parley.url, '/api/v1/conversation', { method: 'DELETE', token });

async function chattedSession(): Promise<SessionResponse> {
  const session = await openSession(parley.url);
  expect((await send(parley.url, session.token, 'c1', 'What are your opening hours?')).status).toBe(202);
  await waitForHistory(parley.url, session.token, (m) => m.filter((x) => x.sender === 'bot').length >= 2);
  return session;
}

/** The server's own sealer, with the server's keys: tokens it would have issued at another time. */
function sealer() {
  return createTokenSealer(parley.config.tokenKeys, parley.config.tokenTtlMs, parley.config.tokenRenewWindowMs);
}

/** The same visitor's token, as the server sealed it `agoMs` ago. */
async function tokenIssuedAgo(session: SessionResponse, agoMs: number, change: { visitorId?: string } = {}): Promise<string> {
  const claims = await sealer().open(session.token);
  if (!claims) throw new Error('the server issued a token its own keys cannot open');
  return (await sealer().seal({ ...claims, ...change }, new Date(Date.now() - agoMs))).token;
}

/** Archives every demo conversation, the way the sweeper does once they have been idle long enough. */
async function archiveAll(): Promise<void> {
  const store = await openSqliteStore(liveFile());
  try {
    await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, new Date(Date.now() + 2 * DAY));
  } finally {
    await store.close();
  }
}

describe('deletion on request after the chat has ended', () => {
  it('deletion on request: a visitor deletes their archived conversation; the archive file no longer holds it', async () => {
    const session = await chattedSession();
    await archiveAll();
    const before = await readArchive(session.conversationId);
    expect(before.conversation).toBe(true);
    expect(before.messages).toContain('What are your opening hours?');
    // Archived means ended for everything else: no history, no sending, no channel.
    expect((await call(parley.url, '/api/v1/messages', { token: session.token })).status).toBe(401);
    expect((await send(parley.url, session.token, 'c2', 'hello?')).status).toBe(401);
    expect((await authorize(parley.url, session.token, '1.1', session.channel)).status).toBe(401);

    expect((await deleteWith(session.token)).status).toBe(204);
    expect(await readArchive(session.conversationId)).toEqual({ conversation: false, messages: [], values: [] });
    expect((await deleteWith(session.token)).status).toBe(401);
  });

  it('deletion on request: a token expired within TOKEN_RENEW_WINDOW still deletes; other routes refuse it', async () => {
    const session = await chattedSession();
    const expired = await tokenIssuedAgo(session, parley.config.tokenTtlMs + DAY);
    expect((await call(parley.url, '/api/v1/messages', { token: expired })).status).toBe(401);
    expect((await send(parley.url, expired, 'c2', 'hello?')).status).toBe(401);
    expect((await authorize(parley.url, expired, '1.1', session.channel)).status).toBe(401);

    expect((await deleteWith(expired)).status).toBe(204);
    const store = await openSqliteStore(liveFile());
    try {
      expect(await store.getConversation(session.conversationId)).toBeNull();
      expect(await store.listMessages(session.conversationId, 0, 100)).toEqual([]);
    } finally {
      await store.close();
    }
    expect((await call(parley.url, '/api/v1/messages', { token: session.token })).status).toBe(401);
  });

  it('deletion on request: an archived conversation with an expired, still renewable token is deleted too', async () => {
    const session = await chattedSession();
    await archiveAll();
    expect((await deleteWith(await tokenIssuedAgo(session, parley.config.tokenTtlMs + 10 * DAY))).status).toBe(204);
    expect(await readArchive(session.conversationId)).toEqual({ conversation: false, messages: [], values: [] });
  });

  it('deletion on request: a token past the renew window, or naming another visitor, deletes nothing', async () => {
    const session = await chattedSession();
    const tooOld = await tokenIssuedAgo(session, parley.config.tokenTtlMs + parley.config.tokenRenewWindowMs + DAY);
    expect((await deleteWith(tooOld)).status).toBe(401);
    const someoneElse = await tokenIssuedAgo(session, 0, { visitorId: 'another-visitor' });
    expect((await deleteWith(someoneElse)).status).toBe(401);
    await archiveAll();
    expect((await deleteWith(someoneElse)).status).toBe(401);
    expect((await readArchive(session.conversationId)).conversation).toBe(true);
    expect((await deleteWith(session.token)).status).toBe(204);
  });
});
