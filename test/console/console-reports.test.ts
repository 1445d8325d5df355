// Issue 15, reports: over real HTTP against a real server, on both stores. A real conversation (a
// visitor answered, missed, handed over, answered by an operator, rated) shows up in its bot's
// report exactly, and erasing it afterwards changes nothing in the report; every role on both
// report routes, allowed and denied (and audited); bad queries are 400; the CSV download is the
// table, quoted and defused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoverDetail, HandoverView } from '../../common/handover-wire.ts';
import type { ReportView } from '../../common/report-wire.ts';
import type { AuditEntryView } from '../../common/console-wire.ts';
import type { ChatMessage } from '../../common/wire.ts';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, visitorHistoryUntil, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { call, openSession, send } from '../helpers/visitor-api.ts';
import { pollUntil } from '../helpers/poll.ts';

type ErrorBody = { error: { code: string; message: string } };
const code = (answer: { body: unknown }) => (answer.body as ErrorBody).error?.code;

const DAY_MS = 86_400_000;
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
/** Yesterday to tomorrow: whatever the clock reads when the test's writes land. */
const PERIOD = () => `from=${utcDay(-1)}&to=${utcDay(1)}`;

forEachStore((store) => {
  describe('reports', { timeout: 90_000 }, () => {
    let world: HandoverWorld;
    let admin: ConsoleClient;
    let supervisor: Staff;
    let operator: Staff;
    let idleSupervisor: Staff;

    beforeAll(async () => {
      world = await startHandoverWorld(store.env());
      admin = world.admin;
      supervisor = await world.staff('sup@example.test', 'supervisor', ['demo']);
      operator = await world.staffOnline('kari.nordmann@example.test', 'operator', ['demo']);
      idleSupervisor = await world.staff('idle@example.test', 'supervisor', []);
    }, 180_000);
    afterAll(() => world?.close());

    const report = (as: ConsoleClient, query: string) => as.request<ReportView>('GET', `/reports?${query}`);

    it('counts a real conversation exactly, from metadata only, and erasing it changes nothing', async () => {
      const session = await openSession(world.url);
      const { token } = session;
      const replied = (n: number) => (messages: ChatMessage[]) => messages.filter((m) => m.sender === 'bot').length >= n;
      const greeting = (await visitorHistoryUntil(world, token, replied(1), 'the greeting')).length;
      expect((await send(world.url, token, 'c-1', 'what are your opening hours')).status).toBe(202);
      await visitorHistoryUntil(world, token, replied(greeting + 1), 'an answer');
      expect((await send(world.url, token, 'c-2', 'my cat ate the keyboard')).status).toBe(202);
      await visitorHistoryUntil(world, token, replied(greeting + 2), 'the fallback');
      expect((await call(world.url, '/api/v1/messages', { token, json: { clientId: 'c-3', action: 'handover:yes' } })).status).toBe(202);

      const queued = await pollUntil(
        () => operator.client.request<{ handovers: HandoverView[] }>('GET', '/handovers?state=waiting'),
        (a) => a.body.handovers?.some((h) => h.conversationId === session.conversationId),
        'the handover in the queue',
      );
      const handover = queued.body.handovers.find((h) => h.conversationId === session.conversationId)!;
      expect((await operator.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
      expect((await operator.client.request('POST', `/handovers/${handover.id}/messages`, { clientId: 'op-1', text: 'Kari here, how can I help?' })).status).toBe(201);
      expect((await send(world.url, token, 'c-4', 'my order 12345 never came, call me on +47 912 34 567')).status).toBe(202);
      await pollUntil(
        () => operator.client.request<HandoverDetail>('GET', `/handovers/${handover.id}`),
        (a) => a.body.messages?.filter((m) => m.sender === 'visitor').length === 4,
        'the visitor’s message during the handover',
      );
      expect((await operator.client.request('POST', `/handovers/${handover.id}/resolve`, { code: 'answered', note: 'sent a new order' })).status).toBe(200);
      expect((await call(world.url, '/api/v1/rating', { token, json: { score: 4, comment: 'Kari was kind' } })).status).toBe(201);

      const held = (await admin.request<HandoverDetail>('GET', `/handovers/${handover.id}`)).body.handover;
      const messages = await visitorHistoryUntil(world, token, (m) => m.some((x) => x.notice?.kind === 'operator-left'), 'the operator leaving');
      const bySender = (sender: string) => messages.filter((m) => m.sender === sender).length;
      // The silent turn completes after the 202: the report has it once the outcome is counted.
      const answer = await pollUntil(
        () => report(supervisor.client, `bot=demo&${PERIOD()}`),
        (a) => a.body.outcomes?.find((o) => o.outcome === 'silent')?.count === 1,
        'the report with every turn counted',
      );
      expect(answer.status).toBe(200);
      const got = answer.body;
      expect(got.bots).toEqual(['demo']);
      expect(got.days.map((d) => d.day)).toEqual([utcDay(-1), utcDay(0), utcDay(1)]);
      expect(got.totals).toEqual({
        conversations: 1,
        messages: { visitor: bySender('visitor'), bot: bySender('bot'), operator: bySender('operator'), system: bySender('system') },
      });
      expect(Object.fromEntries(got.outcomes.map((o) => [o.outcome, o.count]))).toEqual({ answered: 1, fallback: 1, refused: 0, form: 0, handover: 1, offline: 0, silent: 1 });
      expect(got.outcomes.find((o) => o.outcome === 'answered')?.share).toBeCloseTo(1 / 3);
      expect(got.topIntents).toEqual([
        { intent: 'human', count: 1 },
        { intent: 'opening_hours', count: 1 },
      ]);
      expect(got.topFallbacks.reduce((sum, f) => sum + f.count, 0)).toBe(1);
      expect(got.handovers).toEqual({
        opened: 1,
        bySource: [
          { source: 'intent', count: 0 },
          { source: 'fallback', count: 0 },
          { source: 'button', count: 1 },
          { source: 'message', count: 0 },
        ],
        waiting: { count: 1, p50Ms: Date.parse(held.assignedAt!) - Date.parse(held.startedAt), p90Ms: Date.parse(held.assignedAt!) - Date.parse(held.startedAt) },
        firstResponse: {
          count: 1,
          p50Ms: Date.parse(held.firstResponseAt!) - Date.parse(held.startedAt),
          p90Ms: Date.parse(held.firstResponseAt!) - Date.parse(held.startedAt),
        },
        resolutions: [
          { code: 'answered', count: 1 },
          { code: 'follow-up', count: 0 },
          { code: 'no-response', count: 0 },
          { code: 'spam', count: 0 },
          { code: 'other', count: 0 },
        ],
        abandoned: { unanswered: 0, gone: 0 },
        ratings: { count: 1, average: 4, byScore: [1, 2, 3, 4, 5].map((score) => ({ score, count: score === 4 ? 1 : 0 })) },
      });
      // Metadata only: no id, text, value or name of anyone in it.
      const text = JSON.stringify(got);
      for (const personal of [session.conversationId, handover.id, 'cat', 'keyboard', '12345', '912', 'Kari', 'kind', 'new order', operator.id]) expect(text).not.toContain(personal);

      // The visitor erases the conversation: live data, handover records and all. The report stays.
      expect((await call(world.url, '/api/v1/conversation', { method: 'DELETE', token })).status).toBe(204);
      expect((await admin.request('GET', `/handovers/${handover.id}`)).status).toBe(403);
      expect((await report(supervisor.client, `bot=demo&${PERIOD()}`)).body).toEqual(got);
      // …and so is each table's CSV.
      const csv = await supervisor.client.request<string>('GET', `/reports/csv?table=intents&bot=demo&${PERIOD()}`);
      expect(csv.status).toBe(200);
      expect(csv.body).toBe('intent,reached\r\nhuman,1\r\nopening_hours,1\r\n');
    });

    it('administrators read every bot; supervisors their bots only; operators and supervisors of no bot nothing; all of it audited', async () => {
      const all = await report(admin, PERIOD());
      expect(all.status).toBe(200);
      expect(all.body.bots).toEqual(['demo', 'shop']); // every bot configured
      expect((await report(admin, `bot=shop&${PERIOD()}`)).body.bots).toEqual(['shop']);
      expect((await admin.request('GET', `/reports/csv?table=daily&bot=shop&${PERIOD()}`)).status).toBe(200);

      const own = await report(supervisor.client, PERIOD());
      expect([own.status, own.body.bots]).toEqual([200, ['demo']]);
      for (const path of [`/reports?bot=shop&${PERIOD()}`, `/reports/csv?table=daily&bot=shop&${PERIOD()}`]) {
        const refused = await supervisor.client.request('GET', path);
        expect([refused.status, code(refused)], path).toEqual([403, 'forbidden']);
      }
      for (const who of [operator.client, idleSupervisor.client]) {
        for (const path of [`/reports?${PERIOD()}`, `/reports?bot=demo&${PERIOD()}`, '/reports?from=nonsense', `/reports/csv?table=daily&bot=demo&${PERIOD()}`, '/reports/csv']) {
          const refused = await who.request('GET', path);
          expect([refused.status, code(refused)], path).toEqual([403, 'forbidden']);
        }
      }
      const signedOut = world.client();
      for (const path of [`/reports?${PERIOD()}`, `/reports/csv?table=daily&${PERIOD()}`]) {
        const refused = await signedOut.request('GET', path);
        expect([refused.status, code(refused)], path).toEqual([401, 'not_signed_in']);
      }

      const entries = async (action: string) => (await admin.request<{ entries: AuditEntryView[] }>('GET', `/audit?action=${action}&limit=1000`)).body.entries;
      const reads = await entries('reports.read');
      expect(reads.some((e) => e.actor === supervisor.id && e.outcome === 'ok' && e.target === null)).toBe(true);
      expect(reads.some((e) => e.actor === supervisor.id && e.outcome === 'denied' && e.target === 'shop')).toBe(true);
      expect(reads.some((e) => e.actor === operator.id && e.outcome === 'denied')).toBe(true);
      expect(reads.some((e) => e.actor === idleSupervisor.id && e.outcome === 'denied')).toBe(true);
      expect((await entries('reports.export')).some((e) => e.actor === world.adminId && e.target === 'shop' && e.details.table === 'daily')).toBe(true);
    });

    it('refuses a bad query with 400 invalid_request', async () => {
      const today = utcDay(0);
      for (const query of [
        '',
        `from=${today}`,
        `to=${today}`,
        `from=${today}&to=${utcDay(-1)}`, // from after to
        'from=2024-01-01&to=2025-01-02', // 368 days
        'from=2030-02-30&to=2030-03-01',
        `from=${today}T00:00:00Z&to=${today}`,
        `from=${today}&to=${today}&bot=Demo`,
        `from=${today}&to=${today}&bot=demo&bot=shop`,
        `from=${today}&to=${today}&bot[$ne]=x`,
        `from=${today}&to=${today}&extra=1`,
        `from[$gt]=&to=${today}`,
      ]) {
        const refused = await report(admin, query);
        expect([refused.status, code(refused)], query).toEqual([400, 'invalid_request']);
      }
      expect((await report(admin, 'from=2024-01-01&to=2025-01-01')).status).toBe(200); // 367 days, a leap year and a day
      for (const query of [`from=${today}&to=${today}`, `table=charts&from=${today}&to=${today}`, `table=daily&table=intents&from=${today}&to=${today}`]) {
        const refused = await admin.request('GET', `/reports/csv?${query}`);
        expect([refused.status, code(refused)], query).toEqual([400, 'invalid_request']);
      }
    });

    it('downloads a table as CSV: an attachment, a header row and a row per day', async () => {
      const answer = await admin.request<string>('GET', `/reports/csv?table=daily&bot=demo&${PERIOD()}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="parley-demo-daily-${utcDay(-1)}-${utcDay(1)}.csv"`);
      const lines = answer.body.split('\r\n');
      expect(lines[0]).toMatch(/^day,conversations,messages,/);
      expect(lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual([utcDay(-1), utcDay(0), utcDay(1)]);
      expect(lines.at(-1)).toBe('');
    });
  });
});
