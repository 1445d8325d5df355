// Issue 15, requests from data subjects, over real HTTP on both stores: an administrator exports
// everything Parley holds about one conversation or one verified visitor (the identity `sub` the
// site signs), as a document of the documented shape, and erases the same scopes, reaching live
// data, the archive, handover records and notes and collected values; the audit log keeps that it
// happened, never what. The visitor downloads their own conversation from the frame's API, without
// what operators wrote for each other.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { call, history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { filesContaining, mongoDocumentsContaining } from '../helpers/data-files.ts';
import { signVisitorIdentity } from '../../server/bot/identity.ts';
import { openKeyring, openMongoStore, openSqliteStore, type Store } from '../../server/store/index.ts';
import { loadConfig } from '../../server/config/index.ts';
import { withStoreOf } from '../helpers/parley-cli.ts';
import { newId } from '../../server/chat/ids.ts';
import { SUBJECT_EXPORT_FORMAT, type SubjectExport } from '../../common/data-protection-wire.ts';
import type { AuditEntryView } from '../../common/console-wire.ts';
import type { SessionResponse } from '../../common/wire.ts';

const SECRET = 'subject-requests-identity-secret-0123456789abcdef';
const DAY = 86_400_000;

/** Text that turns up nowhere by chance, in lower case (the bot's e-mail slot keeps addresses in lower case). */
const freshMarker = () => `m${newId().replace(/[^A-Za-z0-9]/g, '').slice(0, 10).toLowerCase()}`;

const identity = (sub: string) => signVisitorIdentity(SECRET, { sub, level: 'verified' }, '10m');

forEachStore((store) => {
  describe('requests from data subjects', () => {
    let world: HandoverWorld;
    let operator: Staff;

    beforeAll(async () => {
      world = await startHandoverWorld(store.env(), { env: { PARLEY_DEMO_IDENTITY_SECRET: SECRET } });
      operator = await world.staffOnline('grace@example.test', 'operator', ['demo', 'shop'], 'Grace Hopper');
    }, 120_000);
    afterAll(() => world?.close());

    /**
     * The adapter under the server, opened beside it without sealing (SQLite in WAL mode, or the same
     * MongoDB database): what its rows hold, sealed or not.
     */
    const openBeside = (): Promise<Store> =>
      world.env.MONGODB_URI ? openMongoStore(world.env.MONGODB_URI) : openSqliteStore(join(world.env.DATA_DIR!, 'parley.db'));

    /**
     * What of `text` is kept in the clear anywhere: the data files (SQLite, WAL and archive included)
     * or any document of any collection. Text is sealed at rest, so this is [] before erasure too.
     */
    const keptAnywhere = (text: string): Promise<string[]> =>
      world.env.MONGODB_URI ? mongoDocumentsContaining(world.env.MONGODB_URI, text) : Promise.resolve(filesContaining(world.env.DATA_DIR!, text));

    /** Whether the store, read as the server reads it (opened with the keys), holds `text` for the conversation. */
    const holds = (conversationId: string, text: string): Promise<boolean> =>
      withStoreOf(world.env, async (store) => JSON.stringify(await store.readConversation(conversationId)).includes(text));

    /** What erasure must leave of a conversation: no row in the adapter (live or archived) and no data key. */
    async function leftOf(conversationId: string): Promise<{ rows: boolean; key: boolean }> {
      const beside = await openBeside();
      const keyring = await openKeyring(loadConfig(world.env));
      try {
        return { rows: (await beside.readConversation(conversationId)) !== null, key: await keyring.hasKey(conversationId) };
      } finally {
        await keyring.keyStore.close();
        await beside.close();
      }
    }

    const exportOf = (request: unknown) => world.admin.request<SubjectExport>('POST', '/subjects/export', request);
    const erase = (request: unknown) => world.admin.request<{ erased: number }>('POST', '/subjects/erase', request);

    /** A session of `bot`, as `sub` when given, that said `text` and got the bot's answer. */
    async function chatted(text: string, opts: { bot?: string; sub?: string } = {}): Promise<SessionResponse> {
      const session = await openSession(world.url, { bot: opts.bot ?? 'demo', ...(opts.sub ? { identity: await identity(opts.sub) } : {}) });
      const before = (await history(world.url, session.token)).length;
      expect((await send(world.url, session.token, newId(), text)).status).toBe(202);
      await waitForHistory(world.url, session.token, (m) => m.length >= before + 2);
      return session;
    }

    /**
     * A conversation holding one of everything: a handover an operator took, answered, noted and
     * resolved with a note, rated by the visitor with a comment, then a form's collected values.
     */
    async function everything(marker: string, sub: string): Promise<SessionResponse> {
      const session = await chatted(`my order ${marker} is late`, { sub });
      expect((await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: 'human', action: 'handover:yes' } })).status).toBe(202);
      const handovers = await waitForQueue(session.conversationId);
      const id = handovers.find((h) => h.conversationId === session.conversationId)!.id;
      expect((await operator.client.request('POST', `/handovers/${id}/take`)).status).toBe(200);
      expect((await operator.client.request('POST', `/handovers/${id}/messages`, { clientId: 'op-1', text: `Hello, about ${marker}` })).status).toBe(201);
      expect((await operator.client.request('POST', `/handovers/${id}/notes`, { text: `note ${marker}: wants a refund` })).status).toBe(201);
      expect((await operator.client.request('POST', `/handovers/${id}/resolve`, { code: 'answered', note: `resolved ${marker}: refunded` })).status).toBe(200);
      expect((await call(world.url, '/api/v1/rating', { token: session.token, json: { score: 5, comment: `rating ${marker}: quick` } })).status).toBe(201);
      let bot = (await history(world.url, session.token)).filter((m) => m.sender === 'bot').length;
      for (const [i, text] of ['I want to book a demo', `Ada ${marker}`, `ada.${marker}@example.org`].entries()) {
        expect((await send(world.url, session.token, `form-${i}`, text)).status).toBe(202);
        await waitForHistory(world.url, session.token, (m) => m.filter((x) => x.sender === 'bot').length > bot);
        bot = (await history(world.url, session.token)).filter((m) => m.sender === 'bot').length;
      }
      return session;
    }

    async function waitForQueue(conversationId: string) {
      for (;;) {
        const listed = await operator.client.request<{ handovers: Array<{ id: string; conversationId: string }> }>('GET', '/handovers?limit=200');
        if (listed.body.handovers.some((h) => h.conversationId === conversationId)) return listed.body.handovers;
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    it('export of one conversation: everything Parley holds, in the documented shape, as a download named by date only', async () => {
      const marker = freshMarker();
      const session = await everything(marker, 'ada-42');
      const answer = await exportOf({ conversationId: session.conversationId });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-export-\d{4}-\d{2}-\d{2}\.json"$/);
      const doc = answer.body;
      expect(doc).toMatchObject({ format: SUBJECT_EXPORT_FORMAT, audience: 'administrator', scope: { kind: 'conversation', conversationId: session.conversationId } });
      expect(Date.parse(doc.exportedAt)).not.toBeNaN();
      expect(doc.conversations).toHaveLength(1);
      const [conversation] = doc.conversations;
      expect(conversation).toMatchObject({ id: session.conversationId, bot: 'demo', origin: 'http://localhost:5173', sub: 'ada-42', archivedAt: null });
      expect(conversation!.messages.map((m) => m.id)).toEqual(conversation!.messages.map((_, i) => i + 1));
      expect(conversation!.messages).toEqual(expect.arrayContaining([
        expect.objectContaining({ sender: 'visitor', text: `my order ${marker} is late` }),
        expect.objectContaining({ sender: 'operator', author: 'Grace', text: `Hello, about ${marker}` }),
      ]));
      expect(conversation!.values.map(({ key, value, pii }) => ({ key, value, pii }))).toEqual([
        { key: 'name', value: `Ada ${marker}`, pii: 'identity' },
        { key: 'email', value: `ada.${marker}@example.org`, pii: 'contact' },
      ]);
      expect(conversation!.handovers).toHaveLength(1);
      expect(conversation!.handovers[0]).toMatchObject({
        state: 'resolved',
        resolution: 'answered',
        rating: 5,
        ratingComment: `rating ${marker}: quick`,
        internal: { resolutionNote: `resolved ${marker}: refunded`, notes: [expect.objectContaining({ text: `note ${marker}: wants a refund` })] },
      });
      // The operator's account is theirs, not the visitor's: never in the document.
      expect(JSON.stringify(doc)).not.toContain(operator.id);
      expect(JSON.stringify(doc)).not.toContain('grace@example.test');
    });

    it('the visitor downloads their own conversation from the frame: the same document for the audience "visitor", without what operators wrote for each other', async () => {
      const marker = freshMarker();
      const session = await everything(marker, 'bea-7');
      const mine = await call(world.url, '/api/v1/conversation/export', { token: session.token });
      expect(mine.status).toBe(200);
      expect(mine.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-export-/);
      const doc = mine.body as SubjectExport;
      expect(doc).toMatchObject({ format: SUBJECT_EXPORT_FORMAT, audience: 'visitor', scope: { kind: 'conversation', conversationId: session.conversationId } });
      const administrators = (await exportOf({ conversationId: session.conversationId })).body;
      const { internal, ...visible } = administrators.conversations[0]!.handovers[0]!;
      expect(internal).toBeDefined();
      expect(doc.conversations).toEqual([{ ...administrators.conversations[0], handovers: [visible] }]);
      const text = JSON.stringify(doc);
      expect(text).not.toContain(`note ${marker}`);
      expect(text).not.toContain(`resolved ${marker}`);

      // Another visitor's token downloads only theirs; no token, a foreign page or an erased conversation: nothing.
      const other = await chatted('hello');
      expect(((await call(world.url, '/api/v1/conversation/export', { token: other.token })).body as SubjectExport).conversations.map((c) => c.id)).toEqual([other.conversationId]);
      expect((await call(world.url, '/api/v1/conversation/export')).status).toBe(401);
      expect((await call(world.url, '/api/v1/conversation/export', { token: session.token, headers: { Origin: 'https://evil.example' } })).status).toBe(403);
      expect((await call(world.url, '/api/v1/conversation', { method: 'DELETE', token: other.token })).status).toBe(204);
      expect((await call(world.url, '/api/v1/conversation/export', { token: other.token })).status).toBe(401);
    });

    it('a verified visitor’s export and erasure reach all of their conversations of that bot, live and archived, and nothing of anyone else', async () => {
      const marker = freshMarker();
      const first = await chatted(`first ${marker}`, { bot: 'shop', sub: 'cleo' });
      // Archived the way the retention sweep archives idle conversations.
      const beside = await openBeside();
      try {
        await beside.sweep({ botId: 'shop', inactiveAfterMs: DAY, archive: true }, new Date(Date.now() + 2 * DAY));
      } finally {
        await beside.close();
      }
      const second = await everything(`second-${marker}`, 'cleo-other').then(() => chatted(`second ${marker}`, { bot: 'shop', sub: 'cleo' }));
      // Anonymous at first, then signed in to: from then on it is cleo's.
      const third = await chatted(`third ${marker}`, { bot: 'shop' });
      const signedIn = await openSession(world.url, { bot: 'shop', resume: third.token, identity: await identity('cleo') });
      expect(signedIn.conversationId).toBe(third.conversationId);
      const otherBot = await chatted(`other bot ${marker}`, { bot: 'demo', sub: 'cleo' });
      const otherPerson = await chatted(`other person ${marker}`, { bot: 'shop', sub: 'cleon' });

      const exported = await exportOf({ bot: 'shop', sub: 'cleo' });
      expect(exported.status).toBe(200);
      expect(exported.body.scope).toEqual({ kind: 'visitor', bot: 'shop', sub: 'cleo' });
      expect(exported.body.conversations.map((c) => c.id)).toEqual([first.conversationId, second.conversationId, third.conversationId]);
      expect(exported.body.conversations.map((c) => c.archivedAt !== null)).toEqual([true, false, false]);
      expect(exported.body.conversations.map((c) => c.sub)).toEqual(['cleo', 'cleo', 'cleo']);
      expect(exported.body.conversations[0]!.messages.map((m) => m.text)).toContain(`first ${marker}`);

      expect((await erase({ bot: 'shop', sub: 'cleo' })).body).toEqual({ erased: 3 });
      for (const text of [`first ${marker}`, `second ${marker}`, `third ${marker}`]) expect(await keptAnywhere(text), text).toEqual([]);
      for (const { conversationId } of [first, second, third]) expect(await leftOf(conversationId)).toEqual({ rows: false, key: false });
      expect((await exportOf({ bot: 'shop', sub: 'cleo' })).status).toBe(404);
      for (const gone of [second, third]) expect((await call(world.url, '/api/v1/messages', { token: gone.token })).status).toBe(401);
      // Anyone else's is as it was.
      for (const kept of [otherBot, otherPerson]) expect((await history(world.url, kept.token)).length).toBeGreaterThan(0);
      expect(await holds(otherBot.conversationId, `other bot ${marker}`)).toBe(true);
      expect(await leftOf(otherPerson.conversationId)).toEqual({ rows: true, key: true });
    });

    it('erasure of one conversation reaches its handover records, notes, rating and collected values; the audit keeps that it happened, never what', async () => {
      const marker = freshMarker();
      const session = await everything(marker, `dora-${marker}`);
      const handover = (await exportOf({ conversationId: session.conversationId })).body.conversations[0]!.handovers[0]!;
      for (const text of [`note ${marker}`, `resolved ${marker}`, `rating ${marker}`, `ada.${marker}@example.org`]) expect(await holds(session.conversationId, text), text).toBe(true);

      const erased = await erase({ conversationId: session.conversationId });
      expect(erased.status).toBe(200);
      expect(erased.body).toEqual({ erased: 1 });
      for (const text of [marker, `dora-${marker}`]) expect(await keptAnywhere(text), text).toEqual([]);
      expect(await leftOf(session.conversationId)).toEqual({ rows: false, key: false });
      expect((await world.admin.request('GET', `/handovers/${handover.id}`)).status).toBe(403);
      expect((await call(world.url, '/api/v1/messages', { token: session.token })).status).toBe(401);

      const audit = await world.admin.request<{ entries: AuditEntryView[] }>('GET', '/audit?action=subject.erase&limit=1000');
      const entry = audit.body.entries.at(-1)!;
      expect(entry).toMatchObject({ actor: world.adminId, action: 'subject.erase', target: null, outcome: 'ok', details: { scope: 'conversation', conversations: 1 } });
      const log = (await world.admin.request<string>('GET', '/audit/export')).body;
      for (const what of [session.conversationId, marker, `dora-${marker}`]) expect(log).not.toContain(what);
      const verify = await world.cli(['audit-verify']);
      expect(verify.code, verify.err.join('\n')).toBe(0);
    });

    it('a request naming nothing Parley holds is 404 nothing_found, audited as failed, and erases nothing', async () => {
      const kept = await chatted('still here');
      for (const request of [{ conversationId: newId() }, { bot: 'demo', sub: 'nobody-at-all' }, { bot: 'nope', sub: 'ada-42' }]) {
        for (const answer of [await exportOf(request), await erase(request)]) {
          expect(answer.status).toBe(404);
          expect(answer.body).toEqual({ error: { code: 'nothing_found', message: 'Parley holds nothing under this conversation id or visitor' } });
        }
      }
      const failed = await world.admin.request<{ entries: AuditEntryView[] }>('GET', '/audit?action=subject.export&limit=1000');
      expect(failed.body.entries.filter((e) => e.outcome === 'failed').length).toBeGreaterThanOrEqual(3);
      expect((await history(world.url, kept.token)).length).toBeGreaterThan(0);
    });

    it('malformed requests are 400 invalid_request and change nothing', async () => {
      const kept = await chatted('malformed');
      for (const request of [
        {},
        { conversationId: 'short' },
        { conversationId: { $ne: null } },
        { bot: 'demo' },
        { sub: 'ada-42' },
        { bot: 'demo', sub: '' },
        { bot: 'demo', sub: 'x'.repeat(257) },
        { bot: 'Demo!', sub: 'ada' },
        { bot: 'demo', sub: { $gt: '' } },
        { conversationId: kept.conversationId, bot: 'demo', sub: 'ada' },
        { conversationId: kept.conversationId, extra: 1 },
      ]) {
        for (const answer of [await exportOf(request), await erase(request)]) {
          expect(answer.status, JSON.stringify(request)).toBe(400);
          expect((answer.body as unknown as { error: { code: string } }).error.code).toBe('invalid_request');
        }
      }
      expect((await history(world.url, kept.token)).length).toBeGreaterThan(0);
    });
  });
});
