// The report contract (ReportStore, report-store.ts) both adapters are held to: what each stored
// event adds to its bot's day tallies (server/reports/tally.ts), counted once however often it is
// repeated or raced, and kept whatever happens to the conversation afterwards (deleted, cleared,
// archived, expired): the tallies never held anything personal, so there is nothing to take out.
// Each adapter's report test file calls runReportContract with a function that opens a fresh store.
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { Store, TurnMeta } from './store.ts';
import type { Handover } from './handover-store.ts';
import type { ReportDay } from './report-store.ts';
import { newConversationId, rejectionCode } from './store-contract.ts';
import { newId } from '../chat/ids.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

/** Racing callers of the concurrency cases. */
const RACERS = 10;

export function runReportContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    let store!: Store;
    beforeEach(() => {
      store = current();
    });

    async function conversation(botId = 'demo', now = T0): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId, visitorId: `visitor-${id}`, origin: 'https://shop.example', now });
      return id;
    }

    const days = (from = '2029-12-01', to = '2030-02-01', bots = ['demo', 'shop']) => store.reportDays({ bots, from, to });

    /** The one day's tallies of `bot`, or undefined when nothing was counted. */
    async function dayOf(day: string, bot = 'demo'): Promise<ReportDay | undefined> {
      return (await days(day, day, [bot]))[0];
    }

    const opened = async (conversationId: string, now = T0): Promise<Handover> =>
      (await store.openHandover({ id: newId(), conversationId, source: 'intent', now })).handover;

    describe('conversations and messages', () => {
      it('counts each conversation, and each message by sender, on its UTC day; a repeated clientId counts once', async () => {
        const first = await conversation('demo', at(0));
        await conversation('demo', at(DAY - 1)); // the last millisecond of 2030-01-01
        const next = await conversation('demo', at(DAY)); // 2030-01-02
        await store.appendMessage({ conversationId: first, clientId: null, sender: 'bot', text: 'Hi!', now: at(SECOND) });
        for (let i = 0; i < 2; i++) await store.appendMessage({ conversationId: first, clientId: 'c-1', sender: 'visitor', text: 'hello', now: at(2 * SECOND) });
        await store.appendMessage({ conversationId: first, clientId: null, sender: 'operator', author: 'Kari', text: 'Kari here', now: at(3 * SECOND) });
        await store.appendMessage({ conversationId: first, clientId: null, sender: 'system', notice: { kind: 'operator-joined', name: 'Kari' }, text: 'Kari joined', now: at(3 * SECOND) });
        await store.appendMessage({ conversationId: next, clientId: 'c-2', sender: 'visitor', text: 'next day', now: at(DAY + SECOND) });

        expect(await days()).toEqual([
          {
            botId: 'demo',
            day: '2030-01-01',
            counts: { conversations: 2, 'messages.bot': 1, 'messages.visitor': 1, 'messages.operator': 1, 'messages.system': 1 },
            waitMs: [],
            firstResponseMs: [],
          },
          { botId: 'demo', day: '2030-01-02', counts: { conversations: 1, 'messages.visitor': 1 }, waitMs: [], firstResponseMs: [] },
        ]);
      });

      it('reads the days asked for, both included, of the bots asked for', async () => {
        await conversation('demo', at(-DAY)); // 2029-12-31
        await conversation('demo', at(0));
        await conversation('shop', at(0));
        await conversation('demo', at(2 * DAY)); // 2030-01-03
        const keys = (list: ReportDay[]) => list.map((d) => `${d.botId} ${d.day} ${d.counts.conversations}`);
        expect(keys(await days('2030-01-01', '2030-01-03'))).toEqual(['demo 2030-01-01 1', 'shop 2030-01-01 1', 'demo 2030-01-03 1']);
        expect(keys(await days('2029-12-31', '2030-01-01', ['shop']))).toEqual(['shop 2030-01-01 1']);
        expect(keys(await days('2029-12-31', '2029-12-31', ['demo', 'shop', 'demo']))).toEqual(['demo 2029-12-31 1']);
        expect(await days('2030-01-01', '2030-01-03', [])).toEqual([]);
        expect(await days('2030-01-02', '2030-01-02')).toEqual([]);
        expect(await days('2030-01-03', '2030-01-01')).toEqual([]); // from after to: nothing
      });

      it('refuses a day that is not YYYY-MM-DD or not in the calendar', async () => {
        for (const bad of ['2030-1-01', '2030-02-30', '2030-01-01T00:00:00Z', '', 'yesterday']) {
          expect(await rejectionCode(days(bad, '2030-01-31'))).toBe('invalid_argument');
          expect(await rejectionCode(days('2030-01-01', bad))).toBe('invalid_argument');
        }
      });

      it('counts appends racing on one bot and day exactly', async () => {
        const ids = await Promise.all(Array.from({ length: RACERS }, () => conversation()));
        await Promise.all(
          ids.flatMap((conversationId) => [1, 2, 3].map((n) => store.appendMessage({ conversationId, clientId: `c-${n}`, sender: 'visitor', text: 'hi', now: at(n) }))),
        );
        expect((await dayOf('2030-01-01'))?.counts).toEqual({ conversations: RACERS, 'messages.visitor': 3 * RACERS });
      });
    });

    describe('turns', () => {
      /** A visitor message and its turn, completed `times` times with `meta`. */
      async function turn(conversationId: string, meta: TurnMeta, now = at(SECOND), times = 1): Promise<void> {
        const { message } = await store.appendVisitorMessage({
          conversationId,
          clientId: newId(),
          sender: 'visitor',
          text: 'where is my order 4242',
          turn: { input: { text: 'where is my order 4242' }, locale: 'en', access: 'public' },
          now,
        });
        for (let i = 0; i < times; i++) {
          await store.completeTurn(conversationId, message.id, { meta, replies: [{ sender: 'bot', text: 'Reply' }], values: [], state: {}, now });
        }
      }

      it('counts each completed turn once by outcome, the intent it reached, and a fallback by the intent nearest to it', async () => {
        const id = await conversation();
        await turn(id, { outcome: 'answered', intent: 'pricing' }, at(SECOND), 2); // completed again after a crash: counted once
        await turn(id, { outcome: 'answered', intent: 'pricing' });
        await turn(id, { outcome: 'handover', intent: 'human' });
        await turn(id, { outcome: 'fallback', nearest: 'pricing' });
        await turn(id, { outcome: 'fallback', nearest: 'opening_hours' });
        await turn(id, { outcome: 'fallback' }); // nothing near
        await turn(id, { outcome: 'silent' }, at(DAY)); // during a handover, the next day
        const { message: pending } = await store.appendVisitorMessage({ conversationId: id, clientId: 'p', sender: 'visitor', text: 'x', turn: { input: { text: 'x' }, locale: 'en', access: 'public' }, now: at(DAY) });
        expect(pending.id).toBeGreaterThan(0); // not completed: no outcome yet

        expect((await dayOf('2030-01-01'))?.counts).toEqual({
          conversations: 1,
          'messages.visitor': 6,
          'messages.bot': 6,
          'outcomes.answered': 2,
          'outcomes.handover': 1,
          'outcomes.fallback': 3,
          'intents.pricing': 2,
          'intents.human': 1,
          'fallbacks.pricing': 1,
          'fallbacks.opening_hours': 1,
          'fallbacks._none': 1,
        });
        expect((await dayOf('2030-01-02'))?.counts).toEqual({ 'messages.visitor': 2, 'messages.bot': 1, 'outcomes.silent': 1 });
      });

      it('counts a name that is not a plain identifier under _other, never as a key of its own', async () => {
        const id = await conversation();
        await turn(id, { outcome: 'answered', intent: '$where.a' });
        await turn(id, { outcome: 'fallback', nearest: '__proto__' });
        expect((await dayOf('2030-01-01'))?.counts).toMatchObject({ 'intents._other': 1, 'fallbacks._other': 1 });
      });
    });

    describe('handovers', () => {
      it('counts opened by source, the wait at the first assignment only, the first response once, resolutions, abandonments and ratings', async () => {
        const a = await opened(await conversation(), at(0));
        const taken = (await store.transitionHandover(a.id, 1, { state: 'assigned', assigneeId: 'op-1', assignedAt: at(2 * MINUTE) }))!;
        const moved = (await store.transitionHandover(a.id, taken.version, { assigneeId: 'op-2', assignedAt: at(9 * MINUTE) }))!; // a reassignment: no second wait
        await store.markFirstResponse(a.id, at(10 * MINUTE));
        await store.markFirstResponse(a.id, at(11 * MINUTE));
        const done = (await store.transitionHandover(a.id, moved.version, { state: 'resolved', endedAt: at(20 * MINUTE), resolution: 'answered' }))!;
        expect(await store.rateHandover(done.id, 4, 'kind')).toBe(true);
        expect(await store.rateHandover(done.id, 1, null)).toBe(false);

        const b = (await store.openHandover({ id: newId(), conversationId: await conversation(), source: 'fallback', now: at(MINUTE) })).handover;
        await store.transitionHandover(b.id, 1, { state: 'abandoned', endedAt: at(30 * MINUTE) }); // nobody took it
        const c = await opened(await conversation(), at(MINUTE));
        const cTaken = (await store.transitionHandover(c.id, 1, { state: 'assigned', assigneeId: 'op-1', assignedAt: at(MINUTE + 30 * SECOND) }))!;
        await store.transitionHandover(c.id, cTaken.version, { state: 'abandoned', endedAt: at(DAY + MINUTE) }); // the visitor gone, the next day

        const first = (await dayOf('2030-01-01'))!;
        expect(first.counts).toEqual({ conversations: 3, 'handovers.intent': 2, 'handovers.fallback': 1, 'resolutions.answered': 1, 'ratings.4': 1, 'abandoned.unanswered': 1 });
        expect(first.waitMs.toSorted((x, y) => x - y)).toEqual([30 * SECOND, 2 * MINUTE]);
        expect(first.firstResponseMs).toEqual([10 * MINUTE]);
        expect((await dayOf('2030-01-02'))?.counts).toEqual({ 'abandoned.gone': 1 });
      });

      it('counts only the winner of racing opens, takes, first responses and ratings', async () => {
        const conversationId = await conversation();
        const opens = await Promise.all(Array.from({ length: RACERS }, () => store.openHandover({ id: newId(), conversationId, source: 'button', now: at(0) })));
        const h = opens.find((o) => o.created)!.handover;
        await Promise.all(Array.from({ length: RACERS }, (_, i) => store.transitionHandover(h.id, 1, { state: 'assigned', assigneeId: `op-${i}`, assignedAt: at(MINUTE) })));
        await Promise.all(Array.from({ length: RACERS }, (_, i) => store.markFirstResponse(h.id, at(2 * MINUTE + i))));
        const assigned = (await store.getHandover(h.id))!;
        await store.transitionHandover(h.id, assigned.version, { state: 'resolved', endedAt: at(3 * MINUTE), resolution: 'follow-up' });
        await Promise.all(Array.from({ length: RACERS }, (_, i) => store.rateHandover(h.id, 1 + (i % 5), null)));

        const day = (await dayOf('2030-01-01'))!;
        const rating = (await store.getHandover(h.id))!.rating!;
        expect(day.counts).toEqual({ conversations: 1, 'handovers.button': 1, 'resolutions.follow-up': 1, [`ratings.${rating}`]: 1 });
        expect(day.waitMs).toEqual([MINUTE]);
        expect(day.firstResponseMs).toEqual([(await store.getHandover(h.id))!.firstResponseAt!.getTime() - T0.getTime()]);
      });
    });

    describe('what happens to conversations afterwards', () => {
      it('deleting, clearing, archiving and expiring conversations leave the tallies as they were', async () => {
        const ids = await Promise.all([conversation(), conversation(), conversation(), conversation()]);
        for (const conversationId of ids) {
          await store.appendMessage({ conversationId, clientId: 'c', sender: 'visitor', text: 'my card is 4242 4242 4242 4242', now: at(SECOND) });
          await store.putValue(conversationId, { key: 'email', value: 'kari@example.com', pii: 'contact', now: at(SECOND) });
        }
        const h = await opened(ids[0]!, at(SECOND));
        const taken = (await store.transitionHandover(h.id, 1, { state: 'assigned', assigneeId: 'op-1', assignedAt: at(MINUTE) }))!;
        await store.markFirstResponse(h.id, at(2 * MINUTE));
        await store.transitionHandover(h.id, taken.version, { state: 'resolved', endedAt: at(3 * MINUTE), resolution: 'answered' });
        await store.rateHandover(h.id, 5, 'thanks, Kari');
        const before = await days();
        expect(before).toHaveLength(1);

        expect(await store.deleteConversation(ids[0]!)).toBe(true); // an erasure
        await store.clearConversation(ids[1]!); // storage off
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(2 * DAY)); // ids[2], ids[3] archived
        expect(await store.deleteConversation(ids[2]!)).toBe(true); // erased from the archive
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true, archiveTtlMs: DAY }, at(4 * DAY)); // ids[3] expires
        expect(await store.getConversation(ids[3]!)).toBeNull();

        expect(await days()).toEqual(before);
      });

      it('reads the same before and after the bot’s sweeps, and goes on counting after them', async () => {
        const first = await conversation('demo', at(0));
        await conversation('demo', at(40 * DAY)); // another month
        await conversation('shop', at(0));
        await store.appendMessage({ conversationId: first, clientId: 'c', sender: 'visitor', text: 'hi', now: at(SECOND) });
        const before = await days();
        await store.sweep({ botId: 'demo' }, at(41 * DAY));
        expect(await days()).toEqual(before);
        await store.sweep({ botId: 'demo' }, at(41 * DAY));
        expect(await days()).toEqual(before);
        await conversation('demo', at(DAY - 1));
        await store.sweep({ botId: 'demo' }, at(42 * DAY));
        expect((await dayOf('2030-01-01'))?.counts).toEqual({ conversations: 2, 'messages.visitor': 1 });
        expect((await days('2030-02-01', '2030-02-28'))[0]).toMatchObject({ day: '2030-02-10', counts: { conversations: 1 } });
        expect((await dayOf('2030-01-01', 'shop'))?.counts).toEqual({ conversations: 1 });
      });

      it('keeps nothing personal: no conversation or visitor id, no text, no value', async () => {
        const id = await conversation();
        await store.appendMessage({ conversationId: id, clientId: 'client-key', sender: 'visitor', text: 'kari@example.com +47 912 34 567', now: at(SECOND) });
        const h = await opened(id, at(SECOND));
        await store.transitionHandover(h.id, 1, { state: 'resolved', endedAt: at(MINUTE), resolution: 'other', resolutionNote: 'called Kari back' });
        await store.rateHandover(h.id, 3, 'Kari was slow');
        const kept = JSON.stringify(await days());
        for (const personal of [id, `visitor-${id}`, h.id, 'client-key', 'kari', 'Kari', '912', 'example', 'op-']) expect(kept).not.toContain(personal);
      });
    });
  });
}
