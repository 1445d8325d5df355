// Webhooks under sealing (issues 16 and 18). A delivery's body is sealed with the data key of the
// conversation its event is about, so erasing the conversation (its key destroyed first) leaves
// the body unreadable in every copy, backups included, as the rest of what the visitor gave. The
// signing secrets are no conversation's: each webhook has a data key of its own in the key store,
// under the owner id `webhook:<id>` (conversation ids have no colon), wrapped and rotated like the
// others, and destroyed when the webhook is deleted. Targets, events, states, times and attempts
// stay clear: the outbox is scheduled and the console lists by them.
import type { Webhook, WebhookDelivery, WebhookEvent, WebhookSecret, WebhookStore } from '../webhook-store.ts';
import { idString } from '../arguments.ts';
import { storeError, storeErrorCode } from '../errors.ts';
import { seal, type DataKey } from './cipher.ts';
import { sealingErrorCode } from './errors.ts';
import { FIELD, type Transform } from './fields.ts';
import type { Keyring } from './keyring.ts';
import type { SealingKit } from './handover.ts';

/** The key-store owner id of a webhook's own data key. */
export const webhookKeyOwner = (webhookId: string) => `webhook:${webhookId}`;

/**
 * Events a write about `conversationId` carries, their bodies sealed by `f` (that conversation's
 * key): an event about another conversation would be sealed under the wrong key, and is refused.
 */
export function sealEvents(conversationId: string, events: readonly WebhookEvent[] | undefined, f: Transform): WebhookEvent[] | undefined {
  return events?.map((e) => {
    if (e.conversationId !== conversationId) throw storeError('invalid_argument', 'a webhook event about another conversation');
    return { ...e, payload: f(FIELD.webhookPayload, String(e.payload)) };
  });
}

/** A webhook's secrets sealed or opened by `f`; dates stay clear. */
export function transformSecrets(secrets: WebhookSecret[], f: Transform): WebhookSecret[] {
  return secrets.map((s) => ({ ...s, secret: f(FIELD.webhookSecret, String(s.secret)) }));
}

type SealedWebhookMethods = Pick<
  WebhookStore,
  'createWebhook' | 'getWebhook' | 'listWebhooks' | 'updateWebhook' | 'deleteWebhook' | 'enqueueWebhookEvent' | 'dueWebhookDeliveries'
>;

export function sealedWebhookMethods(inner: WebhookStore, kit: SealingKit, keyring: Keyring, strict: boolean): SealedWebhookMethods {
  const sealWith = (key: DataKey): Transform => (field, value) => seal(key, field, value);

  /** A webhook with its secrets opened (from before sealing, in the clear, while that is allowed). */
  async function opened(webhook: Webhook): Promise<Webhook> {
    const owner = webhookKeyOwner(webhook.id);
    const secrets = await kit.opened(owner, (f) => transformSecrets(webhook.secrets, f));
    return { ...webhook, secrets };
  }
  const openedOrNull = async (webhook: Webhook | null) => webhook && opened(webhook);

  /**
   * A due delivery with its body opened; null when it cannot be (its conversation erased, or the
   * body damaged): then it is finished as failed, with that as its error class, so it is neither
   * sent nor read again at every scan.
   */
  async function openDelivery(delivery: WebhookDelivery, now: Date): Promise<WebhookDelivery | null> {
    const { payload, conversationId } = delivery;
    if (payload === null || conversationId === null) return delivery;
    try {
      return { ...delivery, payload: await kit.opened(conversationId, (f) => f(FIELD.webhookPayload, payload)) };
    } catch (err) {
      const code = sealingErrorCode(err);
      if (code === null) throw err;
      const key = { eventId: delivery.eventId, webhookId: delivery.webhookId };
      await inner.recordWebhookAttempt({ ...key, at: now, status: null, durationMs: 0, errorClass: code }, { outcome: 'failed' });
      return null;
    }
  }

  return {
    async createWebhook(webhook) {
      const key = await keyring.current(webhookKeyOwner(idString(webhook.id)));
      await inner.createWebhook({ ...webhook, secrets: transformSecrets(webhook.secrets, sealWith(key)) });
    },
    getWebhook: async (id) => openedOrNull(await inner.getWebhook(id)),
    listWebhooks: async (bots) => Promise.all((await inner.listWebhooks(bots)).map(opened)),
    async updateWebhook(id, patch) {
      const webhookId = idString(id);
      if (patch.secrets === undefined) return openedOrNull(await inner.updateWebhook(webhookId, patch));
      if (!(await inner.getWebhook(webhookId))) return null;
      // A webhook from before sealing gets its key here (the migration gives every other one its own).
      const key = strict ? await keyring.existing(webhookKeyOwner(webhookId)) : await keyring.current(webhookKeyOwner(webhookId));
      if (!key) return null;
      return openedOrNull(await inner.updateWebhook(webhookId, { ...patch, secrets: transformSecrets(patch.secrets, sealWith(key)) }));
    },
    async deleteWebhook(id) {
      const webhookId = idString(id);
      // Its key first, as for a conversation: its secrets are unreadable in every copy once it is gone.
      await keyring.destroy([webhookKeyOwner(webhookId)]);
      return inner.deleteWebhook(webhookId);
    },
    async enqueueWebhookEvent(event) {
      const conversationId = idString(event.conversationId);
      let f: Transform;
      try {
        f = await kit.sealer(conversationId);
      } catch (err) {
        // Erased before its event was written: owed to no one (as the adapters answer for a deleted one).
        if (storeErrorCode(err) === 'unknown_conversation' || sealingErrorCode(err) === 'erased') return 0;
        throw err;
      }
      return inner.enqueueWebhookEvent(sealEvents(conversationId, [event], f)![0]!);
    },
    async dueWebhookDeliveries(now, limit) {
      const due = await inner.dueWebhookDeliveries(now, limit);
      const opened = await Promise.all(due.map((d) => openDelivery(d, now)));
      return opened.filter((d): d is WebhookDelivery => d !== null);
    },
  };
}

