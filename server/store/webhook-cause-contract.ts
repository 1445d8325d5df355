// The webhook outbox beside what causes its events, both adapters (and the sealed store) held to
// it: an event handed to the write that causes it (a turn's completion, the handover it opens, a
// transition, a rating) is stored with that write or not at all, once however often the write is
// repeated; and erasing a conversation (deletion, a retention sweep) drops what it still owes.
// Each adapter's webhook test file calls runWebhookCauseContract with a function that opens a fresh store.
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { Store, TurnOutcome } from './store.ts';
import type { WebhookEvent } from './webhook-store.ts';
import type { WebhookEventType } from '../../common/webhooks-wire.ts';
import { newConversationId } from './store-contract.ts';
import { newId } from '../chat/ids.ts';

const LATER = new Date('2100-01-01T00:00:00.000Z');
const DAY = 86_400_000;

const event = (conversationId: string, type: WebhookEventType, about = newId()): WebhookEvent => ({
  id: `msg_${type}_${about}`,
  botId: 'demo',
  conversationId,
  type,
  payload: JSON.stringify({ type, data: { conversationId, about } }),
  createdAt: new Date(),
});

const done = (patch: Partial<TurnOutcome> = {}): TurnOutcome => ({ meta: { outcome: 'answered', intent: 'book' }, replies: [{ sender: 'bot', text: 'thanks' }], values: [], state: { step: 2 }, ...patch });

export function runWebhookCauseContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    let store!: Store;
    beforeEach(async () => {
      store = current();
      const t0 = new Date();
      await store.createWebhook({
        id: newId(),
        botId: 'demo',
        url: 'https://hooks.example/parley',
        events: ['handover.requested', 'handover.resolved', 'conversation.rated', 'form.submitted'],
        enabled: true,
        secrets: [{ secret: `whsec_${newId()}`, createdAt: t0, expiresAt: null }],
        createdAt: t0,
        updatedAt: t0,
      });
    });

    async function conversationWithTurn(): Promise<{ id: string; messageId: number }> {
      const id = newConversationId();
      await store.createConversation({ id, botId: 'demo', visitorId: `v-${id}`, origin: 'https://site.example' });
      const { message } = await store.appendVisitorMessage({ conversationId: id, clientId: 'c1', sender: 'visitor', text: 'yes', turn: { input: { text: 'yes' }, locale: 'en', access: 'public' } });
      return { id, messageId: message.id };
    }
    const owed = async () => (await store.dueWebhookDeliveries(LATER, 100)).map((d) => [d.eventId, d.payload]).sort();

    it('a turn stores its events with its completion: none when it fails mid-way, once however often it is run', async () => {
      const { id, messageId } = await conversationWithTurn();
      const submitted = event(id, 'form.submitted');
      const requested = event(id, 'handover.requested');
      const outcome = done({ events: [submitted], handover: { id: newId(), source: 'intent', events: [requested] } });
      // A value the store refuses, after the replies: the turn fails part-way, and nothing of its events is owed.
      await expect(store.completeTurn(id, messageId, { ...outcome, values: [{ key: 'email', value: 'a@b.example', pii: 'bogus' as never }] })).rejects.toThrow();
      expect(await owed()).toEqual([]);
      await store.completeTurn(id, messageId, outcome);
      const both = [[requested.id, requested.payload], [submitted.id, submitted.payload]].sort();
      expect(await owed()).toEqual(both);
      // Run again (a crash before the turn's end was noticed): done already, nothing more.
      await store.completeTurn(id, messageId, outcome);
      expect(await owed()).toEqual(both);
    });

    it("a handover's event is stored only by the turn that opens it", async () => {
      const first = await conversationWithTurn();
      const opened = done({ handover: { id: newId(), source: 'intent', events: [event(first.id, 'handover.requested')] } });
      await store.completeTurn(first.id, first.messageId, opened);
      const { message } = await store.appendVisitorMessage({ conversationId: first.id, clientId: 'c2', sender: 'visitor', text: 'hello?', turn: { input: { text: 'hello?' }, locale: 'en', access: 'public' } });
      // One is open already: kept, and this turn's handover event is not owed.
      const late = event(first.id, 'handover.requested');
      await store.completeTurn(first.id, message.id, done({ handover: { id: newId(), source: 'intent', events: [late] } }));
      expect((await owed()).map(([eventId]) => eventId)).not.toContain(late.id);
      expect(await owed()).toHaveLength(1);
    });

    it('a transition stores its events only when it wins, a rating only when it is the first', async () => {
      const { id, messageId } = await conversationWithTurn();
      const handoverId = newId();
      await store.completeTurn(id, messageId, done({ handover: { id: handoverId, source: 'intent' } }));
      const resolved = event(id, 'handover.resolved', handoverId);
      const closed = await store.transitionHandover(handoverId, 1, { state: 'resolved', resolution: 'answered', endedAt: new Date() }, [resolved]);
      expect(closed?.state).toBe('resolved');
      expect(await owed()).toEqual([[resolved.id, resolved.payload]]);
      // The same version again (a second operator, a retried request): lost, nothing owed.
      expect(await store.transitionHandover(handoverId, 1, { state: 'abandoned', endedAt: new Date() }, [event(id, 'handover.resolved')])).toBeNull();
      expect(await owed()).toEqual([[resolved.id, resolved.payload]]);
      const rated = event(id, 'conversation.rated', handoverId);
      expect(await store.rateHandover(handoverId, 5, 'great', [rated])).toBe(true);
      expect(await store.rateHandover(handoverId, 1, 'again', [event(id, 'conversation.rated')])).toBe(false);
      expect(await owed()).toEqual([[resolved.id, resolved.payload], [rated.id, rated.payload]].sort());
    });

    it("deleting a conversation drops what it still owes, and no other conversation's", async () => {
      const erased = await conversationWithTurn();
      const kept = await conversationWithTurn();
      const gone = event(erased.id, 'form.submitted');
      const stays = event(kept.id, 'form.submitted');
      await store.enqueueWebhookEvent(gone);
      await store.enqueueWebhookEvent(stays);
      expect(await store.deleteConversation(erased.id)).toBe(true);
      expect(await owed()).toEqual([[stays.id, stays.payload]]);
    });

    it('a retention sweep deleting idle conversations drops what they still owe', async () => {
      const idle = await conversationWithTurn();
      await store.enqueueWebhookEvent(event(idle.id, 'form.submitted'));
      expect(await owed()).toHaveLength(1);
      const result = await store.sweep({ botId: 'demo', inactiveAfterMs: DAY }, new Date(Date.now() + 2 * DAY));
      expect(result.conversationsDeleted).toBe(1);
      expect(await owed()).toEqual([]);
    });
  });
}
