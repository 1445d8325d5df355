// The durable-turn part of the store contract (the outbox and its lease), held against both
// adapters like the rest of store-contract.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { Store, TurnOutcome, TurnRequest } from './store.ts';
import { newConversationId } from './store-contract.ts';
import { newId } from '../chat/ids.ts';

const TURN: TurnRequest = { input: { text: 'my e-mail is ada@example.com' }, locale: 'en', access: 'public' };

function outcome(texts: string[], state: Record<string, unknown> = { step: 1 }): TurnOutcome {
  return { meta: { outcome: 'answered', intent: 'hours' }, replies: texts.map((text) => ({ sender: 'bot' as const, text })), values: [], state };
}

export function runTurnContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    // Read in each case: the store is a new one per case.
    let store!: Store;
    beforeEach(() => {
      store = current();
    });

    async function conversation(): Promise<string> {
      const id = newConversationId();
      await store.createConversation({ id, botId: 'demo', visitorId: `v-${id}`, origin: 'https://site.example' });
      return id;
    }

    const say = (conversationId: string, clientId: string, turn = TURN, now?: Date) =>
      store.appendVisitorMessage({ conversationId, clientId, sender: 'visitor', text: '••••••', turn, now });

    it('keeps the turn with the message: pending, listed, with its input as typed', async () => {
      const id = await conversation();
      const { message } = await say(id, 'c1');
      expect(message.text).toBe('••••••');
      expect(await store.nextTurn(id)).toEqual({ conversationId: id, messageId: message.id, ...TURN });
      expect(await store.conversationsWithPendingTurns(10)).toEqual([id]);
    });

    it('records no second turn for a repeated clientId', async () => {
      const id = await conversation();
      const first = await say(id, 'c1');
      const again = await say(id, 'c1', { ...TURN, input: { text: 'other' } });
      expect(again.created).toBe(false);
      await store.completeTurn(id, first.message.id, outcome(['hi']));
      expect(await store.nextTurn(id)).toBeNull();
    });

    it('completes a turn in one step: replies after the message, values, state, handover, done', async () => {
      const id = await conversation();
      const { message } = await say(id, 'c1');
      const replies = await store.completeTurn(id, message.id, {
        ...outcome(['one', 'two'], { form: 'lead' }),
        values: [{ key: 'email', value: 'ada@example.com', pii: 'contact' }],
        handover: { id: newId(), source: 'intent' },
      });
      expect(replies.map((r) => [r.id, r.sender, r.text, r.clientId])).toEqual([
        [message.id + 1, 'bot', 'one', null],
        [message.id + 2, 'bot', 'two', null],
      ]);
      expect((await store.listMessages(id, 0, 10)).map((m) => m.text)).toEqual(['••••••', 'one', 'two']);
      expect((await store.listValues(id)).map((v) => [v.key, v.value])).toEqual([['email', 'ada@example.com']]);
      const after = await store.getConversation(id);
      expect(after?.state).toEqual({ form: 'lead' });
      expect(after?.handover).toBe(true);
      expect(await store.nextTurn(id)).toBeNull();
      expect(await store.conversationsWithPendingTurns(10)).toEqual([]);
    });

    it('answers a turn once: completing it again returns the first replies and changes nothing', async () => {
      const id = await conversation();
      const { message } = await say(id, 'c1');
      const first = await store.completeTurn(id, message.id, outcome(['answer'], { n: 1 }));
      const second = await store.completeTurn(id, message.id, outcome(['different', 'more'], { n: 2 }));
      expect(second).toEqual(first);
      expect((await store.listMessages(id, 0, 10)).map((m) => m.text)).toEqual(['••••••', 'answer']);
      expect((await store.getConversation(id))?.state).toEqual({ n: 1 });
    });

    it('clearing a conversation (storage off) keeps a message whose turn is still pending', async () => {
      const id = await conversation();
      const first = await say(id, 'c1');
      const second = await say(id, 'c2'); // sent while the first turn runs
      await store.completeTurn(id, first.message.id, outcome(['answer']));
      await store.clearConversation(id);
      expect((await store.listMessages(id, 0, 10)).map((m) => m.id)).toEqual([second.message.id]);
      expect(await store.nextTurn(id)).toEqual({ conversationId: id, messageId: second.message.id, ...TURN });
    });

    it('gives turns in message order, the next once the first is done', async () => {
      const id = await conversation();
      const a = await say(id, 'a');
      const b = await say(id, 'b', { ...TURN, input: { action: 'yes' } });
      expect((await store.nextTurn(id))?.messageId).toBe(a.message.id);
      await store.completeTurn(id, a.message.id, outcome(['for a']));
      expect(await store.nextTurn(id)).toEqual({ conversationId: id, messageId: b.message.id, ...TURN, input: { action: 'yes' } });
    });

    it('lists conversations waiting longest first, at most limit', async () => {
      const ids = [await conversation(), await conversation(), await conversation()];
      for (const [i, id] of ids.entries()) await say(id, 'c', TURN, new Date(Date.UTC(2030, 0, 1, 0, 0, 3 - i)));
      ids.reverse(); // the last one written waited longest (its message is the oldest)
      expect(await store.conversationsWithPendingTurns(2)).toEqual(ids.slice(0, 2));
    });

    it('completes nothing for a conversation deleted meanwhile', async () => {
      const id = await conversation();
      const { message } = await say(id, 'c1');
      await store.deleteConversation(id);
      expect(await store.completeTurn(id, message.id, outcome(['late']))).toEqual([]);
      expect(await store.listMessages(id, 0, 10)).toEqual([]);
      expect(await store.nextTurn(id)).toBeNull();
    });

    it('leases a name to one owner at a time until the lease passes or is given back', async () => {
      expect(await store.lease('turns:x', 'a', 1000, 2000)).toBe(true);
      expect(await store.lease('turns:x', 'b', 1500, 2500)).toBe(false);
      expect(await store.lease('turns:y', 'b', 1500, 2500)).toBe(true); // another name is free
      expect(await store.lease('turns:x', 'a', 1500, 2500)).toBe(true); // renewal
      expect(await store.lease('turns:x', 'b', 2400, 3400)).toBe(false);
      expect(await store.lease('turns:x', 'b', 2500, 3500)).toBe(true); // a's lease has passed
      await store.release('turns:x', 'a'); // not a's to give back any more
      expect(await store.lease('turns:x', 'a', 2600, 3600)).toBe(false);
      await store.release('turns:x', 'b');
      expect(await store.lease('turns:x', 'a', 2600, 3600)).toBe(true);
    });

    it('archives each idle conversation exactly once when two sweeps run at the same time', async () => {
      const ids: string[] = [];
      const then = new Date('2030-01-01T00:00:00Z');
      for (let i = 0; i < 12; i++) {
        const id = newConversationId();
        await store.createConversation({ id, botId: 'demo', visitorId: `v${i}`, origin: 'https://site.example', now: then });
        await store.appendMessage({ conversationId: id, clientId: null, sender: 'bot', text: `kept ${i}`, now: then });
        ids.push(id);
      }
      const policy = { botId: 'demo', inactiveAfterMs: 86_400_000, archive: true };
      const later = new Date(then.getTime() + 2 * 86_400_000);
      const [a, b] = await Promise.all([store.sweep(policy, later), store.sweep(policy, later)]);
      expect(a.conversationsArchived + b.conversationsArchived).toBe(ids.length);
      expect(a.conversationsDeleted + b.conversationsDeleted).toBe(0);
      for (const id of ids) {
        expect(await store.getConversation(id)).toBeNull();
        // Still in the archive: its id cannot be taken again.
        await expect(store.createConversation({ id, botId: 'demo', visitorId: 'x', origin: 'https://site.example' })).rejects.toThrow();
      }
    });

    it('gives one winner, round after round, when owners race for a lease that has passed', async () => {
      for (let round = 1; round <= 20; round++) {
        const now = round * 10_000;
        const owners = ['a', 'b', 'c', 'd', 'e'].map((o) => `${o}${round}`);
        const won = await Promise.all(owners.map((owner) => store.lease('turns:contended', owner, now, now + 5000)));
        expect(won.filter(Boolean), `round ${round}`).toHaveLength(1);
        // The winner renews while its lease holds; a loser cannot take it before it passes.
        const winner = owners[won.indexOf(true)]!;
        expect(await store.lease('turns:contended', winner, now + 1000, now + 6000)).toBe(true);
        expect(await store.lease('turns:contended', owners.find((o) => o !== winner)!, now + 2000, now + 7000)).toBe(false);
      }
    });

    it('gives one winner when owners race for a free lease', async () => {
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => store.lease('retention', owner, 1000, 5000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
