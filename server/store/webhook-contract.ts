// The webhook contract (WebhookStore, webhook-store.ts) both adapters are held to: webhooks kept
// and changed as given, an event enqueued once per event id (however often, however raced) as one
// delivery per enabled subscribed webhook of its bot, attempts recorded in order with the delivery
// finished (and its body forgotten) or due again, and a deleted webhook taking its outbox along.
// Each adapter's webhook test file calls runWebhookContract with a function that opens a fresh store.
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { Store } from './store.ts';
import type { Webhook, WebhookEvent } from './webhook-store.ts';
import { storeErrorCode } from './errors.ts';
import { newId } from '../chat/ids.ts';
import { newConversationId } from './store-contract.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const RACERS = 10;

function webhook(patch: Partial<Webhook> = {}): Webhook {
  return {
    id: newId(),
    botId: 'demo',
    url: 'https://hooks.example/parley',
    events: ['handover.requested', 'form.submitted'],
    enabled: true,
    secrets: [{ secret: `whsec_${newId()}`, createdAt: T0, expiresAt: null }],
    createdAt: T0,
    updatedAt: T0,
    ...patch,
  };
}

/** The conversation this case's events are about (an event about no conversation is owed to no one). */
let about = '';
const event = (patch: Partial<WebhookEvent> = {}): WebhookEvent => ({
  id: `msg_${newId()}`,
  botId: 'demo',
  conversationId: about,
  type: 'handover.requested',
  payload: '{"type":"handover.requested"}',
  createdAt: T0,
  ...patch,
});

export function runWebhookContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    let store!: Store;
    beforeEach(async () => {
      store = current();
      about = newConversationId();
      await store.createConversation({ id: about, botId: 'demo', visitorId: 'v-1', origin: 'https://site.example' });
    });

    it('keeps a webhook as given, lists by bot, changes what a patch names, refuses a second id', async () => {
      const first = webhook();
      const other = webhook({ botId: 'shop', createdAt: at(1), updatedAt: at(1) });
      await store.createWebhook(first);
      await store.createWebhook(other);
      expect(await store.getWebhook(first.id)).toEqual(first);
      expect((await store.listWebhooks(['demo'])).map((w) => w.id)).toEqual([first.id]);
      expect((await store.listWebhooks('all')).map((w) => w.id)).toEqual([first.id, other.id]);
      const rotated = [{ secret: 'whsec_new', createdAt: at(5), expiresAt: null }, { ...first.secrets[0]!, expiresAt: at(86_400_000) }];
      const changed = await store.updateWebhook(first.id, { enabled: false, events: ['conversation.rated'], secrets: rotated, now: at(5) });
      expect(changed).toEqual({ ...first, enabled: false, events: ['conversation.rated'], secrets: rotated, updatedAt: at(5) });
      expect(await store.getWebhook(first.id)).toEqual(changed);
      expect(await store.updateWebhook('nope', { enabled: true, now: at(6) })).toBeNull();
      await expect(store.createWebhook(first)).rejects.toSatisfy((err) => storeErrorCode(err) === 'invalid_argument');
    });

    it('enqueues an event once per event id, for the enabled webhooks of its bot subscribed to its type', async () => {
      const subscribed = webhook();
      const disabled = webhook({ enabled: false });
      const otherType = webhook({ events: ['conversation.rated'] });
      const otherBot = webhook({ botId: 'shop' });
      for (const w of [subscribed, disabled, otherType, otherBot]) await store.createWebhook(w);
      const e = event();
      expect(await store.enqueueWebhookEvent(e)).toBe(1);
      expect(await store.enqueueWebhookEvent(e)).toBe(0);
      const due = await store.dueWebhookDeliveries(at(0), 10);
      expect(due).toEqual([
        { eventId: e.id, webhookId: subscribed.id, botId: 'demo', conversationId: about, type: 'handover.requested', payload: e.payload, state: 'pending', attempts: 0, nextAttemptAt: T0, createdAt: T0 },
      ]);
      expect(await store.enqueueWebhookEvent(event({ botId: 'nobody' }))).toBe(0);
      // About a conversation that is gone (erased before its event was written): owed to no one.
      expect(await store.enqueueWebhookEvent(event({ conversationId: newConversationId() }))).toBe(0);
    });

    it('raced enqueues of one event make one delivery per webhook', async () => {
      const a = webhook();
      const b = webhook({ createdAt: at(1) });
      await store.createWebhook(a);
      await store.createWebhook(b);
      const e = event();
      const made = await Promise.all(Array.from({ length: RACERS }, () => store.enqueueWebhookEvent(e)));
      expect(made.reduce((sum, n) => sum + n, 0)).toBe(2);
      expect((await store.dueWebhookDeliveries(at(0), 100)).map((d) => d.webhookId).sort()).toEqual([a.id, b.id].sort());
    });

    it('records attempts in order: a retry is due again later, a delivered one is finished and forgets its body', async () => {
      const w = webhook();
      await store.createWebhook(w);
      const e = event();
      await store.enqueueWebhookEvent(e);
      const key = { eventId: e.id, webhookId: w.id };
      expect(await store.recordWebhookAttempt({ ...key, at: at(0), status: 500, durationMs: 12, errorClass: 'http_status' }, { outcome: 'retrying', nextAttemptAt: at(1000) })).toBe(true);
      expect(await store.dueWebhookDeliveries(at(999), 10)).toEqual([]);
      const [again] = await store.dueWebhookDeliveries(at(1000), 10);
      expect(again).toMatchObject({ attempts: 1, state: 'pending', nextAttemptAt: at(1000), payload: e.payload });
      expect(await store.recordWebhookAttempt({ ...key, at: at(1000), status: 204, durationMs: 7, errorClass: null }, { outcome: 'delivered' })).toBe(true);
      expect(await store.dueWebhookDeliveries(at(10_000_000), 10)).toEqual([]);
      // Finished: a late second recorder changes nothing.
      expect(await store.recordWebhookAttempt({ ...key, at: at(1001), status: 204, durationMs: 7, errorClass: null }, { outcome: 'delivered' })).toBe(false);
      expect(await store.listWebhookAttempts(w.id, 10)).toEqual([
        { ...key, type: 'handover.requested', attempt: 2, at: at(1000), status: 204, durationMs: 7, errorClass: null, outcome: 'delivered' },
        { ...key, type: 'handover.requested', attempt: 1, at: at(0), status: 500, durationMs: 12, errorClass: 'http_status', outcome: 'retrying' },
      ]);
      expect(await store.listWebhookAttempts(w.id, 1)).toHaveLength(1);
    });

    it('a failed delivery is finished too; deleting the webhook takes its deliveries and attempts', async () => {
      const w = webhook();
      await store.createWebhook(w);
      const failed = event();
      const waiting = event({ createdAt: at(1) });
      await store.enqueueWebhookEvent(failed);
      await store.enqueueWebhookEvent(waiting);
      await store.recordWebhookAttempt({ eventId: failed.id, webhookId: w.id, at: at(0), status: null, durationMs: 10_000, errorClass: 'timeout' }, { outcome: 'failed' });
      expect((await store.dueWebhookDeliveries(at(5), 10)).map((d) => d.eventId)).toEqual([waiting.id]);
      expect(await store.deleteWebhook(w.id)).toBe(true);
      expect(await store.deleteWebhook(w.id)).toBe(false);
      expect(await store.getWebhook(w.id)).toBeNull();
      expect(await store.dueWebhookDeliveries(at(5), 10)).toEqual([]);
      expect(await store.listWebhookAttempts(w.id, 10)).toEqual([]);
    });

    it('prunes attempts and finished deliveries older than the cut-off, never a pending delivery', async () => {
      const w = webhook();
      await store.createWebhook(w);
      const old = event({ createdAt: at(0) });
      const stillPending = event({ createdAt: at(0) });
      const recent = event({ createdAt: at(10_000) });
      for (const e of [old, stillPending, recent]) await store.enqueueWebhookEvent(e);
      await store.recordWebhookAttempt({ eventId: old.id, webhookId: w.id, at: at(1), status: 204, durationMs: 5, errorClass: null }, { outcome: 'delivered' });
      await store.recordWebhookAttempt({ eventId: stillPending.id, webhookId: w.id, at: at(2), status: 500, durationMs: 5, errorClass: 'http_status' }, { outcome: 'retrying', nextAttemptAt: at(20_000) });
      await store.recordWebhookAttempt({ eventId: recent.id, webhookId: w.id, at: at(10_001), status: 204, durationMs: 5, errorClass: null }, { outcome: 'delivered' });
      // The old delivery and two old attempts go; the pending delivery stays, and so does all that is recent.
      expect(await store.pruneWebhookHistory(at(5000))).toBe(3);
      expect((await store.listWebhookAttempts(w.id, 10)).map((a) => a.eventId)).toEqual([recent.id]);
      expect((await store.dueWebhookDeliveries(at(20_000), 10)).map((d) => d.eventId)).toEqual([stillPending.id]);
      // Nothing more to forget.
      expect(await store.pruneWebhookHistory(at(5000))).toBe(0);
    });

    it('refuses an unknown event type and a bad date', async () => {
      await expect(store.enqueueWebhookEvent(event({ type: 'user.deleted' as never }))).rejects.toSatisfy((err) => storeErrorCode(err) === 'invalid_argument');
      await expect(store.dueWebhookDeliveries(new Date(Number.NaN), 10)).rejects.toSatisfy((err) => storeErrorCode(err) === 'invalid_argument');
    });
  });
}
