// Issue 15: the conversation browser and the reveal grant, every route × every role, over real HTTP
// against a real server on both stores. Visitors talk to the demo bot over the visitor API (a form
// collects a name and an e-mail, a phone number is typed freely); console users browse, filter and
// open those conversations masked, and reveal them only as the matrix and the grant allow, each
// view and reveal in the audit log, and never a word of text there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowseFilters, ConversationDetail, ConversationPage } from '../../common/conversations-wire.ts';
import type { RevealedValues } from '../../common/handover-wire.ts';
import type { ConsoleUserView } from '../../common/console-wire.ts';
import type { SessionResponse } from '../../common/wire.ts';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, visitorHistoryUntil, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { call, openSession } from '../helpers/visitor-api.ts';
import { pollUntil } from '../helpers/poll.ts';

type ErrorBody = { error: { code: string; message: string } };
const code = (answer: { body: unknown }) => (answer.body as ErrorBody).error?.code;
type AuditEntries = { entries: Array<{ action: string; actor: string | null; target: string | null; outcome: string; details: Record<string, unknown> }> };

const NAME = 'Ada Lovelace';
const EMAIL = 'ada.lovelace@example.org';
const PHONE = '+47 912 34 567';

forEachStore((store) => {
  describe('conversation browser × roles', { timeout: 60_000 }, () => {
    let world: HandoverWorld;
    let admin: ConsoleClient;
    let supervisor: Staff;
    let granted: Staff;
    let shopSupervisor: Staff;
    let operator: Staff;
    let booked: SessionResponse;
    let shop: SessionResponse;

    /** Sends `text` (or an action) and waits for the bot's answer to it. */
    async function say(session: SessionResponse, n: number, input: { text: string } | { action: string }): Promise<void> {
      const sent = await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: `c${n}`, ...input } });
      expect(sent.status).toBe(202);
      const id = (sent.body as { message: { id: number } }).message.id;
      await visitorHistoryUntil(world, session.token, (m) => m.some((x) => x.id > id && x.sender === 'bot'), `the answer to message ${id}`);
    }

    beforeAll(async () => {
      world = await startHandoverWorld(store.env());
      admin = world.admin;
      supervisor = await world.staff('sup@example.test', 'supervisor', ['demo']);
      granted = await world.staff('granted@example.test', 'supervisor', ['demo']);
      shopSupervisor = await world.staff('shopsup@example.test', 'supervisor', ['shop']);
      operator = await world.staffOnline('op@example.test', 'operator', ['demo']);
      booked = await openSession(world.url, { bot: 'demo', locale: 'en' });
      await say(booked, 1, { text: 'book a demo' });
      await say(booked, 2, { text: NAME });
      await say(booked, 3, { text: EMAIL });
      await say(booked, 4, { action: 'choice:1-5' });
      await say(booked, 5, { text: 'xqzv wplk' });
      await say(booked, 6, { text: `or call me on ${PHONE}` });
      shop = await openSession(world.url, { bot: 'shop', locale: 'nb' });
      await say(shop, 1, { text: 'hva koster det' });
    }, 180_000);
    afterAll(() => world?.close());

    const list = (c: ConsoleClient, query = '') => c.request<ConversationPage>('GET', `/conversations${query}`);
    const ids = async (c: ConsoleClient, query = '') => (await list(c, query)).body.conversations.map((x) => x.id);
    const detail = (c: ConsoleClient, id: string) => c.request<ConversationDetail>('GET', `/conversations/${id}`);
    const reveal = (c: ConsoleClient, id: string, reason = 'the customer asked for a copy') =>
      c.request<RevealedValues>('POST', `/conversations/${id}/reveal`, { reason });

    it('operators cannot reach the browser at all: every route 403 forbidden, audited as denied', async () => {
      for (const path of ['/conversations', '/conversations/filters', `/conversations/${booked.conversationId}`]) {
        const answer = await operator.client.request('GET', path);
        expect([path, answer.status, code(answer)]).toEqual([path, 403, 'forbidden']);
      }
      expect(code(await reveal(operator.client, booked.conversationId))).toBe('forbidden');
      const audit = await admin.request<AuditEntries>('GET', `/audit?actor=${operator.id}&limit=1000`);
      const denied = audit.body.entries.filter((e) => e.outcome === 'denied').map((e) => e.action);
      expect(denied).toEqual(expect.arrayContaining(['conversations.browse', 'personal-data.reveal']));
    });

    it('list: administrators see every bot\'s conversations, supervisors their bots\' only; another bot by name is an empty list', async () => {
      expect(await ids(admin)).toEqual(expect.arrayContaining([booked.conversationId, shop.conversationId]));
      expect(await ids(supervisor.client)).toContain(booked.conversationId);
      expect(await ids(supervisor.client)).not.toContain(shop.conversationId);
      expect(await ids(supervisor.client, '?bot=shop')).toEqual([]);
      expect(await ids(shopSupervisor.client)).toEqual([shop.conversationId]);
      const filters = await supervisor.client.request<BrowseFilters>('GET', '/conversations/filters');
      expect(filters.body.bots.map((b) => b.id)).toEqual(['demo']);
      expect(filters.body.bots[0]!.intents).toContain('book_demo');
      expect((await admin.request<BrowseFilters>('GET', '/conversations/filters')).body.bots.map((b) => b.id).sort()).toEqual(['demo', 'shop']);
    });

    it('filters: language, outcome (answered, fell back, handed over), intent reached, start; a page, then the next', async () => {
      const mine = (list: string[]) => list.filter((id) => id === booked.conversationId || id === shop.conversationId);
      expect(mine(await ids(admin, '?locale=nb'))).toEqual([shop.conversationId]);
      expect(mine(await ids(admin, '?intent=book_demo'))).toEqual([booked.conversationId]);
      expect(mine(await ids(admin, '?intent=pricing&bot=shop'))).toEqual([shop.conversationId]);
      expect(mine(await ids(admin, '?outcome=fallback'))).toEqual([booked.conversationId]);
      expect(mine(await ids(admin, '?outcome=answered'))).toEqual(expect.arrayContaining([booked.conversationId, shop.conversationId]));
      expect(mine(await ids(admin, '?outcome=handed-over'))).toEqual([]);
      expect(mine(await ids(admin, '?outcome=rated'))).toEqual([]);
      const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
      expect(await ids(admin, `?from=${future}`)).toEqual([]);
      expect(mine(await ids(admin, `?to=${future}`))).toHaveLength(2);
      const first = await list(admin, '?limit=1');
      expect(first.body.conversations).toHaveLength(1);
      expect(first.body.next).not.toBeNull();
      const second = await list(admin, `?limit=1&before=${first.body.next}`);
      expect(second.body.conversations[0]?.id).not.toBe(first.body.conversations[0]?.id);
      const summary = (await list(admin, '?intent=book_demo')).body.conversations.find((c) => c.id === booked.conversationId)!;
      expect(summary).toMatchObject({ botId: 'demo', locale: 'en', handedOver: false, intents: expect.arrayContaining(['book_demo']) });
      expect(summary.outcomes).toEqual(expect.arrayContaining(['answered', 'form', 'fallback']));
    });

    it('handed over: the turn that asked is "handover", a message while it is open "silent", and the conversation is found as handed over', async () => {
      const { session } = await world.visitorAskingForHuman(admin);
      const sent = await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: 'during', text: 'are you there?' } });
      expect(sent.status).toBe(202);
      const id = (sent.body as { message: { id: number } }).message.id;
      // The silent turn completes with no answer to wait for: its metadata is what shows it is done.
      const shown = await pollUntil(() => detail(admin, session.conversationId), (a) => a.body.turns.some((t) => t.messageId === id), 'the silent turn', 30_000);
      expect(shown.body.turns.map((t) => t.outcome)).toEqual(['handover', 'silent']);
      expect(await ids(admin, '?outcome=handed-over')).toContain(session.conversationId);
      expect(await ids(admin, '?outcome=answered')).not.toContain(session.conversationId);
    });

    it('filters refuse what is not a filter: 400 invalid_request, naming the field', async () => {
      for (const query of [
        '?outcome=won',
        '?bot=../etc',
        '?intent=%7B%22%24gt%22%3A%22%22%7D',
        '?locale=en%27%20OR%201%3D1--',
        '?from=yesterday',
        '?limit=0',
        '?limit=201',
        '?before=not-a-cursor!',
        `?before=${Buffer.from('[1,"x"]').toString('base64url')}`,
        '?sort=name;DROP',
      ]) {
        const answer = await list(admin, query);
        expect([query, answer.status, code(answer)]).toEqual([query, 400, 'invalid_request']);
      }
    });

    it('detail: the transcript masked (the form\'s name and e-mail, the phone typed freely), what each turn did; audited as a view without text', async () => {
      const answer = await detail(supervisor.client, booked.conversationId);
      expect(answer.status).toBe(200);
      const text = JSON.stringify(answer.body);
      for (const secret of [NAME, EMAIL, '912 34 567', 'Lovelace']) expect(text).not.toContain(secret);
      expect(answer.body.messages.some((m) => m.text.includes('or call me on ••••••'))).toBe(true);
      expect(answer.body.mayReveal).toBe(false);
      expect(answer.body.handover).toBeNull();
      const visitorIds = answer.body.messages.filter((m) => m.sender === 'visitor').map((m) => m.id);
      expect(answer.body.turns.map((t) => t.messageId)).toEqual(visitorIds);
      expect(answer.body.turns[0]).toMatchObject({ outcome: 'answered', intent: 'book_demo' });
      const audit = await admin.request<AuditEntries>('GET', '/audit?action=conversation.view&limit=1000');
      expect(audit.body.entries).toContainEqual(
        expect.objectContaining({ actor: supervisor.id, target: booked.conversationId, outcome: 'ok', details: expect.objectContaining({ bot: 'demo' }) }),
      );
    });

    it('detail: another bot\'s, an unknown, a malformed or a deleted conversation is one answer, 404 not_found', async () => {
      expect(code(await detail(supervisor.client, shop.conversationId))).toBe('not_found');
      expect(code(await detail(supervisor.client, 'AAAAAAAAAAAAAAAAAAAAAA'))).toBe('not_found');
      expect(code(await detail(admin, 'AAAAAAAAAAAAAAAAAAAAAA'))).toBe('not_found');
      expect(code(await detail(admin, '..%2F..%2Fetc'))).toBe('not_found');
      const gone = await openSession(world.url, { bot: 'demo' });
      expect((await call(world.url, '/api/v1/conversation', { method: 'DELETE', token: gone.token })).status).toBe(204);
      expect(code(await detail(admin, gone.conversationId))).toBe('not_found');
    });

    it('grant: administrators grant supervisors only (400 not_grantable for others), audited; any role change withdraws it', async () => {
      for (const target of [operator.id, world.adminId]) {
        const answer = await admin.request('PATCH', `/users/${target}`, { revealGranted: true });
        expect([answer.status, code(answer)]).toEqual([400, 'not_grantable']);
      }
      expect(code(await supervisor.client.request('PATCH', `/users/${supervisor.id}`, { revealGranted: true }))).toBe('forbidden');
      const demoted = await world.staff('demoted@example.test', 'supervisor', ['demo']);
      expect((await admin.request<ConsoleUserView>('PATCH', `/users/${demoted.id}`, { revealGranted: true })).body.revealGranted).toBe(true);
      const operatorNow = await admin.request<ConsoleUserView>('PATCH', `/users/${demoted.id}`, { role: 'operator' });
      expect(operatorNow.body).toMatchObject({ role: 'operator', revealGranted: false });
      const back = await admin.request<ConsoleUserView>('PATCH', `/users/${demoted.id}`, { role: 'supervisor' });
      expect(back.body.revealGranted).toBe(false);
      const audit = await admin.request<AuditEntries>('GET', '/audit?action=user.reveal-grant&limit=1000');
      expect(audit.body.entries.filter((e) => e.target === demoted.id).map((e) => e.details.granted)).toEqual([true, false]);
    });

    it('reveal: administrators; supervisors only once granted, and no longer once the grant is withdrawn; the reason is audited', async () => {
      expect(code(await reveal(supervisor.client, booked.conversationId))).toBe('forbidden');
      expect(code(await reveal(granted.client, booked.conversationId))).toBe('forbidden');
      expect((await admin.request('PATCH', `/users/${granted.id}`, { revealGranted: true })).status).toBe(200);
      expect((await detail(granted.client, booked.conversationId)).body.mayReveal).toBe(true);
      const shown = await reveal(granted.client, booked.conversationId, 'customer asked for a copy, ticket 4411');
      expect(shown.status).toBe(200);
      const text = JSON.stringify(shown.body);
      for (const secret of [NAME, EMAIL, PHONE]) expect(text).toContain(secret);
      expect(shown.body.values).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'email', value: EMAIL, pii: 'contact' })]));
      // That conversation only: another bot's stays out of reach, and nothing else is unmasked.
      expect(code(await reveal(granted.client, shop.conversationId))).toBe('not_found');
      expect(JSON.stringify((await detail(granted.client, booked.conversationId)).body)).not.toContain(EMAIL);
      const audit = await admin.request<AuditEntries>('GET', '/audit?action=conversation.reveal&limit=1000');
      expect(audit.body.entries).toContainEqual(
        expect.objectContaining({ actor: granted.id, target: booked.conversationId, outcome: 'ok', details: expect.objectContaining({ reason: 'customer asked for a copy, ticket 4411' }) }),
      );
      // The grant also opens the handover's reveal on the supervisor's bots.
      const { handover } = await world.visitorAskingForHuman(admin);
      expect((await granted.client.request('POST', `/handovers/${handover.id}/reveal`, { reason: 'customer asked' })).status).toBe(200);
      expect((await admin.request('PATCH', `/users/${granted.id}`, { revealGranted: false })).status).toBe(200);
      expect(code(await reveal(granted.client, booked.conversationId))).toBe('forbidden');
      expect((await reveal(admin, booked.conversationId)).status).toBe(200);
    });

    it('reveal: a reason of 5 to 500 characters and nothing else, or 400 with nothing revealed or audited', async () => {
      const before = (await admin.request<AuditEntries>('GET', '/audit?action=conversation.reveal&limit=1000')).body.entries.length;
      for (const body of [{}, { reason: 'why' }, { reason: 'x'.repeat(501) }, { reason: 'fine reason', extra: 1 }, { reason: { $gt: '' } }, { reason: 'line\nbreak' }]) {
        const answer = await admin.request('POST', `/conversations/${booked.conversationId}/reveal`, body);
        expect([JSON.stringify(body), answer.status, code(answer)]).toEqual([JSON.stringify(body), 400, 'invalid_request']);
        expect(JSON.stringify(answer.body)).not.toContain(EMAIL);
      }
      expect((await admin.request<AuditEntries>('GET', '/audit?action=conversation.reveal&limit=1000')).body.entries).toHaveLength(before);
    });

    it('audit: no message text and no personal value anywhere in the log', async () => {
      const exported = await admin.request<string>('GET', '/audit/export');
      for (const secret of [NAME, EMAIL, '912 34 567', 'xqzv wplk', 'book a demo']) expect(exported.body).not.toContain(secret);
    });
  });
});
