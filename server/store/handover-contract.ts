// The handover contract (HandoverStore, handover-store.ts) both adapters are held to, with what
// handovers do when their conversation is deleted, cleared, archived or swept, and what the
// turn that opens one stores. Each adapter's handover test file calls runHandoverContract with a
// function that opens a fresh, empty store and a way to read its archive from outside the store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.ts';
import type { Handover } from './handover-store.ts';
import type { HandoverSource } from '../../common/handover-wire.ts';
import { newConversationId, rejectionCode } from './store-contract.ts';
import { storeErrorCode } from './errors.ts';
import { newUserInput } from './console-contract.ts';
import { newId } from '../chat/ids.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

/** What an adapter's archive holds of one conversation's handovers: `id:state` of each, and the notes' text. */
export interface ArchivedHandovers {
  handovers: string[];
  notes: string[];
}

export interface HandoverSubject {
  store: Store;
  /** Reads the archive from its own file or collections, never through the store. */
  readArchivedHandovers(conversationId: string): Promise<ArchivedHandovers>;
}

const NONE_ARCHIVED: ArchivedHandovers = { handovers: [], notes: [] };

/** Racing callers per round, and rounds, of the concurrency cases. */
const RACERS = 10;
const ROUNDS = 20;

export function runHandoverContract(name: string, open: () => Promise<HandoverSubject>): void {
  describe(name, () => {
    let store: Store;
    let readArchivedHandovers: HandoverSubject['readArchivedHandovers'];

    beforeEach(async () => {
      ({ store, readArchivedHandovers } = await open());
    });
    afterEach(async () => {
      await store.close();
    });

    async function conversation(botId = 'demo', now = T0): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId, visitorId: `v-${id}`, origin: 'https://shop.example', now });
      return id;
    }

    async function opened(conversationId: string, now = T0, source: HandoverSource = 'intent'): Promise<Handover> {
      return (await store.openHandover({ id: newId(), conversationId, source, now })).handover;
    }

    const take = (h: Handover, assigneeId: string, now = at(MINUTE)) =>
      store.transitionHandover(h.id, h.version, { state: 'assigned', assigneeId, assignedAt: now });

    async function resolved(conversationId: string, now = T0): Promise<Handover> {
      const assigned = (await take(await opened(conversationId, now), 'op-1', now))!;
      return (await store.transitionHandover(assigned.id, assigned.version, {
        state: 'resolved',
        endedAt: now,
        resolution: 'answered',
        resolutionNote: 'refund promised',
      }))!;
    }

    const note = (handoverId: string, text: string, createdAt = T0) =>
      store.addHandoverNote({ id: newId(), handoverId, authorId: 'op-1', text, createdAt });

    describe('opening', () => {
      it('opens a waiting handover with the conversation’s bot and origin, and flags the conversation', async () => {
        const id = await conversation('acme');
        const handoverId = newId();
        const { handover, created } = await store.openHandover({ id: handoverId, conversationId: id, source: 'fallback', now: at(5) });
        expect(created).toBe(true);
        expect(handover).toEqual({
          id: handoverId,
          conversationId: id,
          botId: 'acme',
          state: 'waiting',
          source: 'fallback',
          origin: 'https://shop.example',
          startedAt: at(5),
          assigneeId: null,
          assignedAt: null,
          firstResponseAt: null,
          endedAt: null,
          resolution: null,
          resolutionNote: null,
          rating: null,
          ratingComment: null,
          version: 1,
        });
        expect(await store.getHandover(handoverId)).toEqual(handover);
        expect(await store.openHandoverOf(id)).toEqual(handover);
        expect(await store.latestHandoverOf(id)).toEqual(handover);
        expect((await store.getConversation(id))?.handover).toBe(true);
      });

      it('keeps the open one: a second open returns it unchanged; once it is closed the next opens anew', async () => {
        const id = await conversation();
        const first = await opened(id);
        const again = await store.openHandover({ id: newId(), conversationId: id, source: 'button', now: at(MINUTE) });
        expect(again).toEqual({ handover: first, created: false });
        const taken = (await take(first, 'op-1'))!;
        expect((await store.openHandover({ id: newId(), conversationId: id, source: 'button' })).handover).toEqual(taken);

        await store.transitionHandover(taken.id, taken.version, { state: 'resolved', endedAt: at(2 * MINUTE), resolution: 'answered' });
        expect(await store.openHandoverOf(id)).toBeNull();
        expect((await store.latestHandoverOf(id))?.state).toBe('resolved');
        const next = await store.openHandover({ id: newId(), conversationId: id, source: 'message', now: at(3 * MINUTE) });
        expect(next.created).toBe(true);
        expect(next.handover.id).not.toBe(first.id);
        expect(await store.openHandoverOf(id)).toEqual(next.handover);
        expect(await store.latestHandoverOf(id)).toEqual(next.handover);
      });

      it('refuses an unknown conversation, a deleted one and an id already used', async () => {
        expect(await rejectionCode(store.openHandover({ id: newId(), conversationId: newConversationId(), source: 'intent' }))).toBe(
          'unknown_conversation',
        );
        const id = await conversation();
        const first = await resolved(id);
        expect(await rejectionCode(store.openHandover({ id: first.id, conversationId: id, source: 'intent' }))).toBe('invalid_argument');
        expect(await store.openHandoverOf(id)).toBeNull();
        await store.deleteConversation(id);
        expect(await rejectionCode(store.openHandover({ id: newId(), conversationId: id, source: 'intent' }))).toBe('unknown_conversation');
      });

      it('refuses an unknown source or a bad date', async () => {
        const id = await conversation();
        const bad = { id: newId(), conversationId: id, source: 'telepathy' as HandoverSource };
        expect(await rejectionCode(store.openHandover(bad))).toBe('invalid_argument');
        expect(await rejectionCode(store.openHandover({ id: newId(), conversationId: id, source: 'intent', now: new Date(NaN) }))).toBe(
          'invalid_argument',
        );
        expect(await store.openHandoverOf(id)).toBeNull();
      });

      it(`opens one handover per conversation when ${RACERS} callers open at once, round after round`, async () => {
        const id = await conversation();
        for (let round = 0; round < ROUNDS / 2; round++) {
          const results = await Promise.all(
            Array.from({ length: RACERS }, () => store.openHandover({ id: newId(), conversationId: id, source: 'intent', now: at(round) })),
          );
          expect(results.filter((r) => r.created), `round ${round}`).toHaveLength(1);
          const winner = results.find((r) => r.created)!.handover;
          for (const r of results) expect(r.handover.id).toBe(winner.id);
          expect(await store.openHandoverOf(id)).toEqual(winner);
          await store.transitionHandover(winner.id, winner.version, { state: 'abandoned', endedAt: at(round) });
        }
        expect(await store.listHandovers({ bots: 'all', limit: 100 })).toHaveLength(ROUNDS / 2);
      });
    });

    describe('transitions', () => {
      it('applies a patch only at the expected version, bumps the version and keeps only documented fields', async () => {
        const h = await opened(await conversation());
        expect(await take(h, 'op-1', at(1)).then((t) => t && [t.state, t.assigneeId, t.assignedAt, t.version])).toEqual([
          'assigned',
          'op-1',
          at(1),
          2,
        ]);
        expect(await take(h, 'op-2')).toBeNull(); // version 1 is gone
        const smuggled = { assigneeId: 'op-3', rating: 5, version: 99, id: 'other' } as Parameters<Store['transitionHandover']>[2];
        const reassigned = await store.transitionHandover(h.id, 2, smuggled);
        expect(reassigned).toMatchObject({ id: h.id, assigneeId: 'op-3', rating: null, version: 3, state: 'assigned' });
        expect(await store.getHandover(h.id)).toEqual(reassigned);
        const done = await store.transitionHandover(h.id, 3, { state: 'resolved', endedAt: at(9), resolution: 'follow-up', resolutionNote: 'call back' });
        expect(done).toMatchObject({ state: 'resolved', endedAt: at(9), resolution: 'follow-up', resolutionNote: 'call back', version: 4 });
        expect(await store.getHandover(h.id)).toEqual(done);
      });

      it('keeps an empty resolution note as empty, and the handover reads back (sealed, "" read as tampered: console fuzz seed 878464841)', async () => {
        const h = await opened(await conversation());
        const done = await store.transitionHandover(h.id, 1, { state: 'resolved', endedAt: at(9), resolution: 'other', resolutionNote: '' });
        expect(done).toMatchObject({ state: 'resolved', resolution: 'other', resolutionNote: '' });
        expect(await store.getHandover(h.id)).toEqual(done);
        expect((await store.listHandovers({ bots: 'all', states: ['resolved'], limit: 10 })).map((x) => x.id)).toContain(h.id);
      });

      it('answers null for an unknown handover, and refuses bad patches and versions, changing nothing', async () => {
        expect(await store.transitionHandover(newId(), 1, { state: 'assigned' })).toBeNull();
        const id = await conversation();
        const h = await opened(id);
        const refused = [
          store.transitionHandover(h.id, 1, { state: 'lost' as Handover['state'] }),
          store.transitionHandover(h.id, 1, { resolution: 'fixed' as Handover['resolution'] }),
          store.transitionHandover(h.id, 1, { assignedAt: new Date(NaN) }),
          store.transitionHandover(h.id, -1, { state: 'assigned' }),
          store.transitionHandover(h.id, 1.5, { state: 'assigned' }),
        ];
        // Every attempt is watched at once: one awaited at a time would leave the others' rejections
        // unhandled while a store (the sealed one, a key lookup first) does I/O before refusing.
        expect(await Promise.all(refused.map(rejectionCode))).toEqual(refused.map(() => 'invalid_argument'));
        expect(await store.getHandover(h.id)).toEqual(h);
      });

      it('keeps a closed handover closed: no transition back to waiting or assigned', async () => {
        const id = await conversation();
        const done = await resolved(id);
        expect(await rejectionCode(store.transitionHandover(done.id, done.version, { state: 'waiting' }))).toBe('invalid_argument');
        expect(await rejectionCode(store.transitionHandover(done.id, done.version, { state: 'assigned', assigneeId: 'x' }))).toBe(
          'invalid_argument',
        );
        expect(await store.getHandover(done.id)).toEqual(done);
        expect(await store.openHandoverOf(id)).toBeNull();
      });

      it(`gives exactly one winner when ${RACERS} operators take at once, round after round`, async () => {
        for (let round = 0; round < ROUNDS; round++) {
          const h = await opened(await conversation());
          const operators = Array.from({ length: RACERS }, (_, i) => `op-${round}-${i}`);
          const results = await Promise.all(operators.map((op) => take(h, op)));
          const winners = results.filter((r) => r !== null);
          expect(winners, `round ${round}`).toHaveLength(1);
          const stored = await store.getHandover(h.id);
          expect(stored).toEqual(winners[0]);
          expect(stored?.version).toBe(2);
        }
      });

      it('gives one winner when resolve, reassign and abandon race on one version', async () => {
        for (let round = 0; round < ROUNDS / 2; round++) {
          const h = (await take(await opened(await conversation()), 'op-1'))!;
          const results = await Promise.all([
            store.transitionHandover(h.id, h.version, { state: 'resolved', endedAt: at(2), resolution: 'answered' }),
            store.transitionHandover(h.id, h.version, { assigneeId: 'op-2', assignedAt: at(2) }),
            store.transitionHandover(h.id, h.version, { state: 'abandoned', endedAt: at(2) }),
            store.transitionHandover(h.id, h.version, { assigneeId: 'op-3', assignedAt: at(2) }),
          ]);
          const winners = results.filter((r) => r !== null);
          expect(winners, `round ${round}`).toHaveLength(1);
          expect(await store.getHandover(h.id)).toEqual(winners[0]);
        }
      });
    });

    describe('first response and rating', () => {
      it('records the first response once', async () => {
        const h = await opened(await conversation());
        await store.markFirstResponse(h.id, at(3 * MINUTE));
        await store.markFirstResponse(h.id, at(5 * MINUTE));
        const stored = await store.getHandover(h.id);
        expect(stored?.firstResponseAt).toEqual(at(3 * MINUTE));
        expect(stored?.version).toBe(1); // not a state or assignee change
        await store.markFirstResponse(newId(), at(1)); // an unknown handover is nothing to mark
      });

      it('rates a resolved handover once, and nothing else', async () => {
        const id = await conversation();
        const waiting = await opened(await conversation());
        expect(await store.rateHandover(waiting.id, 5, null)).toBe(false);
        expect(await store.rateHandover(newId(), 5, null)).toBe(false);
        const done = await resolved(id);
        expect(await store.rateHandover(done.id, 4, 'quick and kind')).toBe(true);
        expect(await store.rateHandover(done.id, 1, 'changed my mind')).toBe(false);
        expect(await store.getHandover(done.id)).toEqual({ ...done, rating: 4, ratingComment: 'quick and kind' });
      });

      it('refuses a score outside 1–5 or not whole', async () => {
        const done = await resolved(await conversation());
        for (const score of [0, 6, 2.5, NaN]) expect(await rejectionCode(store.rateHandover(done.id, score, null))).toBe('invalid_argument');
        expect((await store.getHandover(done.id))?.rating).toBeNull();
      });

      it(`stores one rating when ${RACERS} arrive at once`, async () => {
        for (let round = 0; round < ROUNDS / 2; round++) {
          const done = await resolved(await conversation());
          const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => store.rateHandover(done.id, (i % 5) + 1, `c${i}`)));
          expect(results.filter(Boolean), `round ${round}`).toHaveLength(1);
          const i = results.indexOf(true);
          expect(await store.getHandover(done.id)).toMatchObject({ rating: (i % 5) + 1, ratingComment: `c${i}` });
        }
      });
    });

    describe('notes', () => {
      it('keeps notes per handover, oldest first', async () => {
        const h = await opened(await conversation());
        const other = await opened(await conversation());
        const second = { id: newId(), handoverId: h.id, authorId: 'op-2', text: 'second', createdAt: at(2) };
        await store.addHandoverNote(second);
        const first = { id: newId(), handoverId: h.id, authorId: 'op-1', text: 'first <b>"$where"</b>', createdAt: at(1) };
        await store.addHandoverNote(first);
        await note(other.id, 'elsewhere');
        expect(await store.listHandoverNotes(h.id)).toEqual([first, second]);
        expect(await store.listHandoverNotes(newId())).toEqual([]);
      });

      it('refuses a note for an unknown handover, and a note id used twice', async () => {
        expect(await rejectionCode(note(newId(), 'lost'))).toBe('unknown_handover');
        const h = await opened(await conversation());
        const n = { id: newId(), handoverId: h.id, authorId: 'op-1', text: 'once', createdAt: T0 };
        await store.addHandoverNote(n);
        expect(await rejectionCode(store.addHandoverNote({ ...n, text: 'twice' }))).toBe('invalid_argument');
        expect(await store.listHandoverNotes(h.id)).toEqual([n]);
      });
    });

    describe('queries', () => {
      it('lists handovers newest first, by bots, states and assignee, at most limit', async () => {
        const a1 = await opened(await conversation('a'), at(1));
        const a2 = (await take(await opened(await conversation('a'), at(2)), 'op-1'))!;
        const b3 = await opened(await conversation('b'), at(3));
        const c4 = await opened(await conversation('c'), at(4));
        const ids = (list: Handover[]) => list.map((h) => h.id);
        expect(ids(await store.listHandovers({ bots: 'all', limit: 10 }))).toEqual([c4.id, b3.id, a2.id, a1.id]);
        expect(ids(await store.listHandovers({ bots: ['a', 'b'], limit: 10 }))).toEqual([b3.id, a2.id, a1.id]);
        expect(ids(await store.listHandovers({ bots: ['a'], states: ['waiting'], limit: 10 }))).toEqual([a1.id]);
        expect(ids(await store.listHandovers({ bots: 'all', states: ['assigned', 'resolved'], limit: 10 }))).toEqual([a2.id]);
        expect(ids(await store.listHandovers({ bots: 'all', assigneeId: 'op-1', limit: 10 }))).toEqual([a2.id]);
        expect(ids(await store.listHandovers({ bots: 'all', limit: 2 }))).toEqual([c4.id, b3.id]);
        expect(await store.listHandovers({ bots: 'all', limit: 0 })).toEqual([]);
        expect(await store.listHandovers({ bots: [], limit: 10 })).toEqual([]);
        expect(await store.listHandovers({ bots: ['a'], states: [], limit: 10 })).toEqual([]);
        expect((await store.listHandovers({ bots: ['a'], limit: 10 }))[0]).toEqual(a2);
      });

      it('refuses a bad list query', async () => {
        expect(await rejectionCode(store.listHandovers({ bots: 'all', limit: -1 }))).toBe('invalid_argument');
        expect(await rejectionCode(store.listHandovers({ bots: 'all', states: ['lost' as Handover['state']], limit: 1 }))).toBe('invalid_argument');
        expect(await rejectionCode(store.listHandovers({ bots: 'a' as unknown as string[], limit: 1 }))).toBe('invalid_argument');
      });

      it('finds waiting handovers of one bot started before a time, oldest first, at most limit', async () => {
        const old1 = await opened(await conversation('a'), at(1));
        const old2 = await opened(await conversation('a'), at(2));
        await take(await opened(await conversation('a'), at(0)), 'op-1'); // being answered, not waiting
        await opened(await conversation('a'), at(10)); // exactly at the cutoff: not before it
        await opened(await conversation('b'), at(1)); // another bot
        const found = await store.waitingHandoversStartedBefore('a', at(10), 10);
        expect(found.map((h) => h.id)).toEqual([old1.id, old2.id]);
        expect((await store.waitingHandoversStartedBefore('a', at(10), 1)).map((h) => h.id)).toEqual([old1.id]);
        expect(await rejectionCode(store.waitingHandoversStartedBefore('a', new Date(NaN), 1))).toBe('invalid_argument');
      });

      it('matches nothing for operator-shaped lookups', async () => {
        await opened(await conversation());
        const operator = { $ne: 'nobody' } as unknown as string;
        expect(await store.getHandover(operator)).toBeNull();
        expect(await store.openHandoverOf(operator)).toBeNull();
        expect(await store.latestHandoverOf(operator)).toBeNull();
        expect(await store.listHandoverNotes(operator)).toEqual([]);
        expect(await store.listHandovers({ bots: [operator], limit: 10 })).toEqual([]);
        expect(await store.listHandovers({ bots: 'all', assigneeId: operator, limit: 10 })).toEqual([]);
      });
    });

    describe('presence', () => {
      it('counts operators available until their presence expires, by id', async () => {
        const [a, b, c] = [await store.createUser(newUserInput()), await store.createUser(newUserInput()), await store.createUser(newUserInput())];
        await store.setPresence({ userId: a.id, available: true, expiresAt: at(MINUTE) });
        await store.setPresence({ userId: b.id, available: true, expiresAt: at(2 * MINUTE) });
        await store.setPresence({ userId: c.id, available: false, expiresAt: at(2 * MINUTE) });
        expect(await store.availableOperators(T0)).toEqual([a.id, b.id].sort());
        expect(await store.availableOperators(at(MINUTE))).toEqual([b.id]); // expiry is exclusive
        await store.setPresence({ userId: b.id, available: false, expiresAt: at(5 * MINUTE) });
        await store.setPresence({ userId: c.id, available: true, expiresAt: at(5 * MINUTE) });
        expect(await store.availableOperators(at(MINUTE))).toEqual([c.id]);
      });

      it('refuses presence for an unknown user or with bad fields', async () => {
        expect(await rejectionCode(store.setPresence({ userId: newId(), available: true, expiresAt: at(MINUTE) }))).toBe('unknown_user');
        const user = await store.createUser(newUserInput());
        expect(await rejectionCode(store.setPresence({ userId: user.id, available: 'yes' as unknown as boolean, expiresAt: at(1) }))).toBe(
          'invalid_argument',
        );
        expect(await rejectionCode(store.setPresence({ userId: user.id, available: true, expiresAt: new Date(NaN) }))).toBe('invalid_argument');
        expect(await store.availableOperators(T0)).toEqual([]);
      });
    });

    describe('the turn that opens a handover', () => {
      const TURN = { input: { text: 'a human please' }, locale: 'en', access: 'public' };
      const say = (conversationId: string, clientId: string) =>
        store.appendVisitorMessage({ conversationId, clientId, sender: 'visitor', text: 'a human please', turn: TURN, now: T0 });

      it('opens it in the same call as the replies, and a turn completed again opens nothing twice', async () => {
        const id = await conversation();
        const { message } = await say(id, 'c1');
        const handoverId = newId();
        const outcome = { meta: { outcome: 'handover' as const }, replies: [{ sender: 'bot' as const, text: 'Someone will be with you' }], values: [], state: {}, now: at(1) };
        const replies = await store.completeTurn(id, message.id, { ...outcome, handover: { id: handoverId, source: 'intent' } });
        expect(replies.map((r) => r.text)).toEqual(['Someone will be with you']);
        expect(await store.openHandoverOf(id)).toMatchObject({ id: handoverId, state: 'waiting', source: 'intent', startedAt: at(1), botId: 'demo' });
        expect((await store.getConversation(id))?.handover).toBe(true);

        expect(await store.completeTurn(id, message.id, { ...outcome, handover: { id: newId(), source: 'button' } })).toEqual(replies);
        expect((await store.listHandovers({ bots: 'all', limit: 10 })).map((h) => h.id)).toEqual([handoverId]);
      });

      it('keeps the handover already open when a later turn asks for one again', async () => {
        const id = await conversation();
        const first = await opened(id);
        const { message } = await say(id, 'c1');
        await store.completeTurn(id, message.id, { meta: { outcome: 'handover' }, replies: [], values: [], state: {}, handover: { id: newId(), source: 'fallback' } });
        expect(await store.listHandovers({ bots: 'all', limit: 10 })).toEqual([first]);
      });

      it('opens none for a turn without one, and none for a conversation deleted meanwhile', async () => {
        const id = await conversation();
        const { message } = await say(id, 'c1');
        await store.completeTurn(id, message.id, { meta: { outcome: 'answered' }, replies: [], values: [], state: {} });
        expect(await store.latestHandoverOf(id)).toBeNull();
        expect((await store.getConversation(id))?.handover).toBe(false);

        const gone = await conversation();
        const late = await say(gone, 'c1');
        await store.deleteConversation(gone);
        expect(await store.completeTurn(gone, late.message.id, { meta: { outcome: 'handover' }, replies: [], values: [], state: {}, handover: { id: newId(), source: 'intent' } })).toEqual([]);
        expect(await store.listHandovers({ bots: 'all', limit: 10 })).toEqual([]);
      });
    });

    describe('with their conversation', () => {
      it('go when it is deleted: records and notes, live or archived', async () => {
        const live = await conversation();
        const kept = await conversation();
        const h = await opened(live);
        await note(h.id, 'live note');
        const keptHandover = await opened(kept);
        await note(keptHandover.id, 'kept note');
        expect(await store.deleteConversation(live)).toBe(true);
        expect(await store.getHandover(h.id)).toBeNull();
        expect(await store.listHandoverNotes(h.id)).toEqual([]);
        expect(await store.listHandovers({ bots: 'all', limit: 10 })).toEqual([keptHandover]);
        expect(await rejectionCode(note(h.id, 'too late'))).toBe('unknown_handover');

        const archived = await conversation('demo', T0);
        const ah = await resolved(archived);
        await note(ah.id, 'archived note');
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(2 * DAY)); // kept is archived too
        expect(await readArchivedHandovers(archived)).toEqual({ handovers: [`${ah.id}:resolved`], notes: ['archived note'] });
        expect(await store.deleteConversation(archived)).toBe(true);
        expect(await readArchivedHandovers(archived)).toEqual(NONE_ARCHIVED);
        expect(await readArchivedHandovers(kept)).toEqual({ handovers: [`${keptHandover.id}:waiting`], notes: ['kept note'] });
      });

      it('a deletion racing notes and opens leaves no handover or note behind', async () => {
        for (let round = 0; round < 5; round++) {
          const id = await conversation();
          const h = await opened(id);
          const writes = (from: number) =>
            Array.from({ length: 6 }, (_, i) =>
              i % 3 === 0 ? store.openHandover({ id: newId(), conversationId: id, source: 'intent' }) : note(h.id, `n${from + i}`),
            );
          const before = writes(0);
          await Promise.race(before);
          const outcomes = await Promise.allSettled([...before, store.deleteConversation(id), ...writes(6)]);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') expect(['unknown_conversation', 'unknown_handover']).toContain(storeErrorCode(outcome.reason));
          }
          expect(await store.latestHandoverOf(id)).toBeNull();
          expect(await store.getHandover(h.id)).toBeNull();
          expect(await store.listHandoverNotes(h.id)).toEqual([]);
        }
        expect(await store.listHandovers({ bots: 'all', limit: 100 })).toEqual([]);
      });

      it('clearing keeps the records (metadata) and forgets their text; an open handover’s notes stay until it closes', async () => {
        const id = await conversation();
        const other = await conversation();
        const done = await resolved(id);
        await note(done.id, 'closed note');
        await store.rateHandover(done.id, 5, 'lovely');
        const open = await opened(id, at(MINUTE));
        await note(open.id, 'working note');
        const elsewhere = await resolved(other);
        await note(elsewhere.id, 'other conversation');

        await store.clearConversation(id);
        expect(await store.getHandover(done.id)).toEqual({ ...done, resolutionNote: null, rating: 5, ratingComment: null });
        expect(await store.listHandoverNotes(done.id)).toEqual([]);
        expect((await store.listHandoverNotes(open.id)).map((n) => n.text)).toEqual(['working note']);
        expect(await store.openHandoverOf(id)).toEqual(open);

        const closed = (await store.transitionHandover(open.id, open.version, { state: 'abandoned', endedAt: at(2 * MINUTE) }))!;
        await store.clearConversation(id);
        expect(await store.listHandoverNotes(open.id)).toEqual([]);
        expect(await store.getHandover(open.id)).toEqual(closed);
        // No other conversation's handovers are touched.
        expect(await store.getHandover(elsewhere.id)).toMatchObject({ resolutionNote: 'refund promised' });
        expect((await store.listHandoverNotes(elsewhere.id)).map((n) => n.text)).toEqual(['other conversation']);
      });

      it('notes, resolution notes and rating comments follow the message TTL, live and archived; records stay', async () => {
        const id = await conversation('demo', T0);
        const old = await resolved(id, T0);
        await store.rateHandover(old.id, 3, 'ok');
        await note(old.id, 'old note', T0);
        await note(old.id, 'new note', at(2 * DAY));
        const recent = await resolved(await conversation('demo', at(2 * DAY)), at(2 * DAY));
        const otherBot = await resolved(await conversation('other', T0), T0);
        await note(otherBot.id, 'other bot note', T0);

        const swept = await store.sweep({ botId: 'demo', messageTtlMs: DAY }, at(2 * DAY));
        expect(swept.handoverTextsDeleted).toBe(2); // one note, one record's texts
        expect(await store.getHandover(old.id)).toEqual({ ...old, resolutionNote: null, rating: 3, ratingComment: null });
        expect((await store.listHandoverNotes(old.id)).map((n) => n.text)).toEqual(['new note']);
        expect((await store.getHandover(recent.id))?.resolutionNote).toBe('refund promised');
        expect((await store.getHandover(otherBot.id))?.resolutionNote).toBe('refund promised');
        expect(await store.listHandoverNotes(otherBot.id)).toHaveLength(1);

        // Archived copies too.
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(10 * DAY));
        expect(await readArchivedHandovers(id)).toEqual({ handovers: [`${old.id}:resolved`], notes: ['new note'] });
        expect((await store.sweep({ botId: 'demo', messageTtlMs: DAY }, at(10 * DAY))).handoverTextsDeleted).toBe(2); // a note, recent's texts
        expect(await readArchivedHandovers(id)).toEqual({ handovers: [`${old.id}:resolved`], notes: [] });
      });

      it('go when it is idle (deleted, or archived and then expired with the archive)', async () => {
        const gone = await conversation('demo', T0);
        const h = await opened(gone);
        await note(h.id, 'bye');
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY }, at(DAY));
        expect(await store.getHandover(h.id)).toBeNull();
        expect(await store.listHandoverNotes(h.id)).toEqual([]);
        expect(await readArchivedHandovers(gone)).toEqual(NONE_ARCHIVED);

        const archived = await conversation('demo', at(DAY));
        const a = await resolved(archived, at(DAY));
        await note(a.id, 'kept a while', at(DAY));
        await store.sweep({ botId: 'demo', inactiveAfterMs: DAY, archive: true }, at(2 * DAY));
        expect(await store.getHandover(a.id)).toBeNull();
        expect(await store.listHandovers({ bots: 'all', limit: 10 })).toEqual([]);
        expect(await readArchivedHandovers(archived)).toEqual({ handovers: [`${a.id}:resolved`], notes: ['kept a while'] });
        await store.sweep({ botId: 'demo', archiveTtlMs: DAY }, at(4 * DAY));
        expect(await readArchivedHandovers(archived)).toEqual(NONE_ARCHIVED);
      });
    });
  });
}
