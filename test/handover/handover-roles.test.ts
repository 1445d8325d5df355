// Issue 14: every handover route × every role, allowed and denied, over real HTTP against a real
// server; a handover the caller may not reach (another bot's, unknown, not held, closed) is 403
// not_holder with nothing stored and nothing published (a real pusher-js client on the visitor's
// channel and one on the console's see only what the holder does next); malformed bodies are 400
// and change nothing; every take, reassign, resolve, reveal and view is in the audit log, and no
// message text is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleConversationChannel, type HandoverDetail, type HandoverView } from '../../common/handover-wire.ts';
import type { ChatMessage, SessionResponse } from '../../common/wire.ts';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { history } from '../helpers/visitor-api.ts';

type ErrorBody = { error: { code: string; message: string } };
const code = (answer: { body: unknown }) => (answer.body as ErrorBody).error?.code;

forEachStore((store) => {
  describe('handover routes × roles', { timeout: 60_000 }, () => {
    let world: HandoverWorld;
    let admin: ConsoleClient;
    let supervisor: Staff;
    let holder: Staff;
    let colleague: Staff;
    let shopOperator: Staff;
    let noBots: Staff;

    beforeAll(async () => {
      world = await startHandoverWorld(store.env());
      admin = world.admin;
      supervisor = await world.staffOnline('sup@example.test', 'supervisor', ['demo']);
      holder = await world.staffOnline('kari.nordmann@example.test', 'operator', ['demo']);
      colleague = await world.staffOnline('ola@example.test', 'operator', ['demo']);
      shopOperator = await world.staffOnline('shop@example.test', 'operator', ['shop']);
      noBots = await world.staff('idle@example.test', 'operator', []);
    }, 180_000);
    afterAll(() => world?.close());

    /** A waiting handover of the demo bot, and one `holder` has taken. */
    const waiting = () => world.visitorAskingForHuman(holder.client);
    async function held(): Promise<{ session: SessionResponse; handover: HandoverView }> {
      const asked = await waiting();
      const taken = await holder.client.request<HandoverView>('POST', `/handovers/${asked.handover.id}/take`);
      expect(taken.status).toBe(200);
      return { session: asked.session, handover: taken.body };
    }

    it('list: each role sees its own bots’ handovers only; a user serving no bot sees none', async () => {
      const demo = await waiting();
      const shop = await world.visitorAskingForHuman(shopOperator.client, 'shop');
      const ids = async (c: ConsoleClient) => (await c.request<{ handovers: HandoverView[] }>('GET', '/handovers?limit=200')).body.handovers.map((h) => h.id);
      expect(await ids(admin)).toEqual(expect.arrayContaining([demo.handover.id, shop.handover.id]));
      for (const c of [supervisor.client, holder.client]) {
        expect(await ids(c)).toContain(demo.handover.id);
        expect(await ids(c)).not.toContain(shop.handover.id);
      }
      expect(await ids(shopOperator.client)).toContain(shop.handover.id);
      expect(await ids(shopOperator.client)).not.toContain(demo.handover.id);
      expect(await ids(noBots.client)).toEqual([]);
      // Asking for another bot by name gives nothing, not an error that says it exists.
      expect((await holder.client.request<{ handovers: HandoverView[] }>('GET', '/handovers?bot=shop')).body.handovers).toEqual([]);
    });

    it('detail: allowed with handover.work on its bot (masked, mayReveal by role); another bot’s, an unknown or a malformed id is 403 not_holder', async () => {
      const { handover } = await waiting();
      for (const [c, mayReveal] of [[admin, true], [supervisor.client, false], [holder.client, false]] as const) {
        const answer = await c.request<HandoverDetail>('GET', `/handovers/${handover.id}`);
        expect(answer.status).toBe(200);
        expect(answer.body.handover.id).toBe(handover.id);
        expect(answer.body.mayReveal).toBe(mayReveal);
        expect(answer.body.messages.length).toBeGreaterThan(0);
      }
      for (const path of [`/handovers/${handover.id}`, '/handovers/AAAAAAAAAAAAAAAAAAAAAA', '/handovers/%7B%22%24ne%22%3Anull%7D']) {
        const c = path.includes(handover.id) ? shopOperator.client : holder.client;
        const answer = await c.request('GET', path);
        expect(answer.status, path).toBe(403);
        expect(code(answer), path).toBe('not_holder');
      }
      expect(code(await noBots.client.request('GET', `/handovers/${handover.id}`))).toBe('forbidden');
      expect(code(await world.client().request('GET', `/handovers/${handover.id}`))).toBe('not_signed_in');
    });

    it('take: another bot’s operator 403 not_holder, a user of no bot 403 forbidden, the first of the bot’s operators 200, the next 409 already_taken; taking one’s own again is 200', async () => {
      const { handover } = await waiting();
      expect(code(await shopOperator.client.request('POST', `/handovers/${handover.id}/take`))).toBe('not_holder');
      expect(code(await noBots.client.request('POST', `/handovers/${handover.id}/take`))).toBe('forbidden');
      const taken = await holder.client.request<HandoverView>('POST', `/handovers/${handover.id}/take`);
      expect(taken.status).toBe(200);
      expect(taken.body).toMatchObject({ state: 'assigned', assignee: { id: holder.id, displayName: 'kari.nordmann' } });
      const late = await colleague.client.request('POST', `/handovers/${handover.id}/take`);
      expect(late.status).toBe(409);
      expect(code(late)).toBe('already_taken');
      expect((await holder.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
    });

    it('reassign: supervisors and administrators of its bot only (operators 403 forbidden), to a user who may work the bot (else 400 invalid_operator)', async () => {
      const { handover } = await held();
      expect(code(await colleague.client.request('POST', `/handovers/${handover.id}/reassign`, { operatorId: colleague.id }))).toBe('forbidden');
      const toShop = await supervisor.client.request('POST', `/handovers/${handover.id}/reassign`, { operatorId: shopOperator.id });
      expect(toShop.status).toBe(400);
      expect(code(toShop)).toBe('invalid_operator');
      expect(code(await supervisor.client.request('POST', `/handovers/${handover.id}/reassign`, { operatorId: 'AAAAAAAAAAAAAAAAAAAAAA' }))).toBe('invalid_operator');
      const moved = await supervisor.client.request<HandoverView>('POST', `/handovers/${handover.id}/reassign`, { operatorId: colleague.id });
      expect(moved.status).toBe(200);
      expect(moved.body.assignee?.id).toBe(colleague.id);
      const back = await admin.request<HandoverView>('POST', `/handovers/${handover.id}/reassign`, { operatorId: holder.id });
      expect(back.status).toBe(200);
      expect(back.body.assignee?.id).toBe(holder.id);
    });

    it('resolve: the holder, or a supervisor/administrator of its bot; a colleague, another bot’s operator, and anyone once it is closed: 403 not_holder', async () => {
      const first = await held();
      for (const c of [colleague.client, shopOperator.client]) {
        expect(code(await c.request('POST', `/handovers/${first.handover.id}/resolve`, { code: 'answered' }))).toBe('not_holder');
      }
      const resolved = await holder.client.request<HandoverView>('POST', `/handovers/${first.handover.id}/resolve`, { code: 'answered', note: 'sorted' });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ state: 'resolved', resolution: 'answered' });
      for (const c of [holder.client, supervisor.client, admin]) {
        expect(code(await c.request('POST', `/handovers/${first.handover.id}/resolve`, { code: 'answered' }))).toBe('not_holder');
      }
      const second = await held();
      expect((await supervisor.client.request('POST', `/handovers/${second.handover.id}/resolve`, { code: 'spam' })).status).toBe(200);
      const third = await waiting();
      expect((await admin.request('POST', `/handovers/${third.handover.id}/resolve`, { code: 'no-response' })).status).toBe(200);
    });

    it('messages, notes, typing: anyone but the holder (a colleague, a supervisor, an administrator, another bot’s operator) is 403 not_holder with nothing stored or published', async () => {
      const { session, handover } = await held();
      const visitorSide = await world.visitorChannel(session, 'message');
      const consoleSide = await world.follow(supervisor.client, consoleConversationChannel(session.conversationId), 'message');
      try {
        const before = await history(world.url, session.token);
        for (const c of [colleague.client, supervisor.client, admin, shopOperator.client]) {
          for (const [path, body] of [
            ['messages', { clientId: 'intruder-1', text: 'INTRUDER TEXT' }],
            ['notes', { text: 'INTRUDER NOTE' }],
            ['typing', { typing: true }],
          ] as const) {
            const answer = await c.request('POST', `/handovers/${handover.id}/${path}`, body);
            expect(answer.status, path).toBe(403);
            expect(code(answer), path).toBe('not_holder');
          }
        }
        expect(await history(world.url, session.token)).toEqual(before);
        expect((await admin.request<HandoverDetail>('GET', `/handovers/${handover.id}`)).body.notes).toEqual([]);
        // Events on one channel arrive in the order they were sent: if any refused request had
        // published, its event would come before the holder's.
        const sent = await holder.client.request<{ message: ChatMessage }>('POST', `/handovers/${handover.id}/messages`, { clientId: 'holder-1', text: 'Hello from the holder' });
        expect(sent.status).toBe(201);
        expect(sent.body.message).toMatchObject({ sender: 'operator', author: 'kari.nordmann', text: 'Hello from the holder' });
        const isHolders = (e: { event: string; data: unknown }) => e.event === 'message' && (e.data as ChatMessage).id === sent.body.message.id;
        for (const side of [visitorSide, consoleSide]) {
          const timeline = await side.until((t) => t.some(isHolders), 'the holder’s message');
          expect(timeline.filter((e) => e.event !== 'handover')).toEqual([{ event: 'message', data: sent.body.message }]);
        }
        expect((await holder.client.request('POST', `/handovers/${handover.id}/notes`, { text: 'internal' })).status).toBe(201);
        expect((await holder.client.request('POST', `/handovers/${handover.id}/typing`, { typing: true })).status).toBe(204);
      } finally {
        visitorSide.disconnect();
        consoleSide.disconnect();
      }
    });

    it('messages, notes, typing on a resolved handover: 403 not_holder for its former holder too', async () => {
      const { handover } = await held();
      expect((await holder.client.request('POST', `/handovers/${handover.id}/resolve`, { code: 'answered' })).status).toBe(200);
      expect(code(await holder.client.request('POST', `/handovers/${handover.id}/messages`, { clientId: 'late-1', text: 'too late' }))).toBe('not_holder');
      expect(code(await holder.client.request('POST', `/handovers/${handover.id}/notes`, { text: 'too late' }))).toBe('not_holder');
      expect(code(await holder.client.request('POST', `/handovers/${handover.id}/typing`, { typing: false }))).toBe('not_holder');
    });

    it('typing: a colleague’s refused typing signals cost the holder nothing: after 61 of them (403 not_holder), the holder’s typing still goes out', async () => {
      const { handover } = await held();
      for (let i = 0; i < 61; i++) expect(code(await colleague.client.request('POST', `/handovers/${handover.id}/typing`, { typing: true }))).toBe('not_holder');
      expect((await holder.client.request('POST', `/handovers/${handover.id}/typing`, { typing: true })).status).toBe(204);
    });

    it('reveal: administrators (personal-data.reveal); supervisors without the grant, operators and another bot’s operator 403 forbidden; an unknown handover 403 not_holder; the reason is audited', async () => {
      const { handover } = await waiting();
      for (const c of [supervisor.client, holder.client, shopOperator.client]) {
        expect(code(await c.request('POST', `/handovers/${handover.id}/reveal`, { reason: 'customer asked' }))).toBe('forbidden');
      }
      const revealed = await admin.request<{ messages: ChatMessage[]; values: unknown[] }>('POST', `/handovers/${handover.id}/reveal`, { reason: 'customer asked for a copy' });
      expect(revealed.status).toBe(200);
      expect(revealed.body.messages.length).toBeGreaterThan(0);
      // An unknown handover is refused as every route refuses one: not_holder.
      expect(code(await admin.request('POST', '/handovers/AAAAAAAAAAAAAAAAAAAAAA/reveal', { reason: 'customer asked' }))).toBe('not_holder');
      const audit = await admin.request<{ entries: Array<{ action: string; target: string; outcome: string; details: Record<string, unknown> }> }>('GET', '/audit?action=handover.reveal&limit=1000');
      expect(audit.body.entries).toContainEqual(expect.objectContaining({ target: handover.id, outcome: 'ok', details: expect.objectContaining({ reason: 'customer asked for a copy' }) }));
    });

    it('canned replies: handover.work on the bot (another bot’s operator, an unknown bot: 403 forbidden), in the asked language', async () => {
      for (const c of [admin, supervisor.client, holder.client]) {
        const answer = await c.request<{ replies: Array<{ id: string; text: string }> }>('GET', '/bots/demo/canned-replies');
        expect(answer.status).toBe(200);
        expect(answer.body.replies.length).toBeGreaterThan(0);
      }
      const en = await holder.client.request<{ replies: Array<{ id: string; text: string }> }>('GET', '/bots/demo/canned-replies?locale=en');
      const nb = await holder.client.request<{ replies: Array<{ id: string; text: string }> }>('GET', '/bots/demo/canned-replies?locale=nb-NO');
      expect(nb.body.replies.map((r) => r.id)).toEqual(en.body.replies.map((r) => r.id));
      expect(nb.body.replies[0]!.text).not.toBe(en.body.replies[0]!.text);
      expect(code(await shopOperator.client.request('GET', '/bots/demo/canned-replies'))).toBe('forbidden');
      expect((await shopOperator.client.request('GET', '/bots/shop/canned-replies')).status).toBe(200);
      expect(code(await admin.request('GET', '/bots/nope/canned-replies'))).toBe('forbidden');
      expect(code(await admin.request('GET', '/bots/demo/canned-replies?locale=%24ne'))).toBe('invalid_request');
    });

    it('presence: every user who may work some bot’s handovers (200, with its expiry); a user serving no bot 403 forbidden', async () => {
      for (const c of [admin, supervisor.client, holder.client, shopOperator.client]) {
        const answer = await c.request<{ available: boolean; expiresAt: string }>('PUT', '/presence', { available: true });
        expect(answer.status).toBe(200);
        expect(answer.body.available).toBe(true);
        expect(Date.parse(answer.body.expiresAt)).toBeGreaterThan(world.clock.now().getTime());
      }
      expect(code(await noBots.client.request('PUT', '/presence', { available: true }))).toBe('forbidden');
    });

    it('malformed bodies on every body route: 400 invalid_request, and nothing changes', async () => {
      const { session, handover } = await held();
      const before = await history(world.url, session.token);
      const bad: Array<[string, string, unknown[]]> = [
        ['POST', 'messages', [{}, { clientId: 'a' }, { clientId: 'a b', text: 'x' }, { clientId: 'a', text: '' }, { clientId: 'a', text: 'x'.repeat(4001) }, { clientId: 'a', text: 'x', sender: 'bot' }, { clientId: { $ne: null }, text: 'x' }, { clientId: 'a', text: 'a\u0000b' }]],
        ['POST', 'notes', [{}, { text: '' }, { text: 'x'.repeat(2001) }, { text: 1 }, { text: 'x', authorId: holder.id }]],
        ['POST', 'typing', [{}, { typing: 'yes' }, { typing: true, who: 'bot' }]],
        ['POST', 'resolve', [{}, { code: 'closed' }, { code: 'answered', note: 'x'.repeat(2001) }, { code: 'answered', state: 'waiting' }]],
        ['POST', 'reassign', [{}, { operatorId: 'short' }, { operatorId: { $gt: '' } }]],
        ['POST', 'reveal', [{}, { reason: 'abc' }, { reason: 'x'.repeat(501) }, { reason: 'ok reason', extra: 1 }]],
      ];
      for (const [method, path, bodies] of bad) {
        // The holder speaks in the conversation; reassigning and revealing are the administrator's.
        const c = ['messages', 'notes', 'typing'].includes(path) ? holder.client : admin;
        for (const body of bodies) {
          const answer = await c.request(method, `/handovers/${handover.id}/${path}`, body);
          expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
          expect(code(answer)).toBe('invalid_request');
        }
      }
      for (const body of [{}, { available: 'yes' }, { available: true, userId: admin }]) {
        expect(code(await holder.client.request('PUT', '/presence', body))).toBe('invalid_request');
      }
      expect(code(await holder.client.request('GET', '/handovers?state=open'))).toBe('invalid_request');
      expect(code(await holder.client.request('GET', '/handovers?limit=100000'))).toBe('invalid_request');
      expect(await history(world.url, session.token)).toEqual(before);
      const after = await admin.request<HandoverDetail>('GET', `/handovers/${handover.id}`);
      expect(after.body.handover).toMatchObject({ state: 'assigned', assignee: { id: holder.id } });
      expect(after.body.notes).toEqual([]);
    });

    it('signed out: every handover route is 401 not_signed_in (reads) or 403 csrf (state changes, no token to show)', async () => {
      const { handover } = await waiting();
      const out = world.client();
      for (const path of ['/handovers', `/handovers/${handover.id}`, '/bots/demo/canned-replies', '/realtime']) {
        expect(code(await out.request('GET', path))).toBe('not_signed_in');
      }
      for (const path of ['take', 'reassign', 'resolve', 'messages', 'notes', 'typing', 'reveal']) {
        expect(code(await out.request('POST', `/handovers/${handover.id}/${path}`, {}))).toBe('csrf');
      }
      expect(code(await out.request('PUT', '/presence', { available: true }))).toBe('csrf');
      expect(code(await out.request('POST', '/realtime/auth', { socket_id: '1.1', channel_name: 'x' }))).toBe('csrf');
    });

    it('audit: takes, reassignments, resolutions, reveals and views are recorded with actor, target and outcome, refusals as denied; no message text anywhere in the log', async () => {
      const exported = await admin.request<string>('GET', '/audit/export');
      const entries = exported.body.trim().split('\n').map((line) => JSON.parse(line) as { action: string; actor: string | null; target: string | null; outcome: string });
      for (const action of ['handover.take', 'handover.reassign', 'handover.resolve', 'handover.reveal', 'handover.view']) {
        const ok = entries.filter((e) => e.action === action && e.outcome === 'ok');
        expect(ok.length, action).toBeGreaterThan(0);
        expect(ok.every((e) => e.actor !== null && e.target !== null), action).toBe(true);
      }
      expect(entries.some((e) => e.action === 'handover.take' && e.outcome === 'failed')).toBe(true);
      expect(entries.some((e) => e.action === 'handover.work' && e.outcome === 'denied')).toBe(true);
      expect(entries.some((e) => e.action === 'handover.message' && e.outcome === 'denied')).toBe(true);
      for (const text of ['INTRUDER TEXT', 'INTRUDER NOTE', 'Hello from the holder', 'internal', 'sorted']) expect(exported.body).not.toContain(text);
      const verify = await world.cli(['audit-verify']);
      expect(verify.code, verify.err.join('\n')).toBe(0);
    });
  });
});
