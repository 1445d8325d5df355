// The webhook side of the MongoDB adapter (WebhookStore, webhook-store.ts). Enqueuing inserts one
// delivery per subscribed webhook under `<eventId>|<webhookId>`, ignoring the ones already there,
// so an event id enqueued twice (a retried caller, a racing instance) adds nothing; events carried
// by the writes that caused them are moved in by those writes, and by each scan for what a crash
// left behind (mongo-outbox.ts). Only the
// instance holding a delivery's lease records its attempts (outbox-worker.ts), so the conditional
// update below never races another recorder, even where FerretDB runs it as a read and a write.
import mongoose from 'mongoose';
import type { Models } from './mongo-models.ts';
import type { WebhookAttemptDoc, WebhookDeliveryDoc, WebhookDoc } from './mongo-webhook-models.ts';
import type { Webhook, WebhookAttempt, WebhookDelivery, WebhookStore } from './webhook-store.ts';
import { checkDate, checkLimit, idString, textList } from './arguments.ts';
import { storeError } from './errors.ts';
import { isDuplicateKey } from './mongo.ts';
import { checkAttempt, checkEvent, checkWebhook, secretsFromJson, secretsToJson } from './webhook-arguments.ts';
import { enqueueEvent, flushStranded } from './mongo-outbox.ts';

// The connection sanitizes filters: the operators written here are marked as ours.
const { trusted } = mongoose;

const webhookFromDoc = (doc: WebhookDoc): Webhook => ({
  id: doc._id,
  botId: doc.botId,
  url: doc.url,
  events: [...doc.events],
  enabled: doc.enabled,
  secrets: secretsFromJson(doc.secrets),
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

/** The store's record: the document less its `_id`. */
function withoutId<T extends { _id: string }>(doc: T): Omit<T, '_id'> {
  const { _id, ...rest } = doc;
  void _id;
  return rest;
}
const deliveryFromDoc = (doc: WebhookDeliveryDoc): WebhookDelivery => ({ ...withoutId(doc), conversationId: doc.conversationId ?? null });
const attemptFromDoc = (doc: WebhookAttemptDoc): WebhookAttempt => withoutId(doc);

const docOf = (w: Webhook): WebhookDoc => ({ _id: w.id, botId: w.botId, url: w.url, events: w.events, enabled: w.enabled, secrets: secretsToJson(w.secrets), createdAt: w.createdAt, updatedAt: w.updatedAt });

export function mongoWebhookStore(models: Models): WebhookStore {
  return {
    async createWebhook(webhook) {
      try {
        await models.webhooks.create(docOf(checkWebhook(webhook)));
      } catch (err) {
        if (isDuplicateKey(err)) throw storeError('invalid_argument', 'webhook id already used');
        throw err;
      }
    },
    async getWebhook(id) {
      const doc = await models.webhooks.findOne({ _id: idString(id) }).lean<WebhookDoc>();
      return doc ? webhookFromDoc(doc) : null;
    },
    async listWebhooks(bots) {
      const filter = bots === 'all' ? {} : { botId: trusted({ $in: textList('bots', bots) }) };
      return (await models.webhooks.find(filter).sort({ createdAt: 1, _id: 1 }).lean<WebhookDoc[]>()).map(webhookFromDoc);
    },
    async updateWebhook(id, patch) {
      const found = await models.webhooks.findOne({ _id: idString(id) }).lean<WebhookDoc>();
      if (!found) return null;
      const { now, ...changes } = patch;
      const next = checkWebhook({ ...webhookFromDoc(found), ...changes, id: found._id, updatedAt: checkDate('now', now) });
      const { _id, ...fields } = docOf(next);
      await models.webhooks.updateOne({ _id }, { $set: fields });
      return next;
    },
    async deleteWebhook(id) {
      const webhookId = idString(id);
      const { deletedCount } = await models.webhooks.deleteOne({ _id: webhookId });
      await models.webhookDeliveries.deleteMany({ webhookId });
      await models.webhookAttempts.deleteMany({ webhookId });
      return deletedCount > 0;
    },
    async enqueueWebhookEvent(event) {
      return enqueueEvent(models, checkEvent(event));
    },
    async hasPendingWebhookDeliveries(conversationId) {
      return (await models.webhookDeliveries.exists({ conversationId: idString(conversationId), state: 'pending' })) !== null;
    },
    async dueWebhookDeliveries(now, limit) {
      await flushStranded(models);
      const docs = await models.webhookDeliveries
        .find({ state: 'pending', nextAttemptAt: trusted({ $lte: checkDate('now', now) }) })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(checkLimit(limit))
        .lean<WebhookDeliveryDoc[]>();
      return docs.map(deliveryFromDoc);
    },
    async recordWebhookAttempt(attempt, next) {
      const a = checkAttempt(attempt, next);
      const _id = `${a.eventId}|${a.webhookId}`;
      const delivery = await models.webhookDeliveries.findOne({ _id, state: 'pending' }).lean<WebhookDeliveryDoc>();
      if (!delivery) return false;
      const number = delivery.attempts + 1;
      try {
        await models.webhookAttempts.create({ _id: `${_id}|${number}`, eventId: a.eventId, webhookId: a.webhookId, type: delivery.type, attempt: number, at: a.at, status: a.status, durationMs: a.durationMs, errorClass: a.errorClass, outcome: a.outcome });
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
      const finished = a.outcome !== 'retrying';
      await models.webhookDeliveries.updateOne(
        { _id, state: 'pending', attempts: delivery.attempts },
        { $set: { attempts: number, state: finished ? a.outcome : 'pending', nextAttemptAt: a.nextAttemptAt, ...(finished ? { payload: null } : {}) } },
      );
      return true;
    },
    async pruneWebhookHistory(before) {
      const at = trusted({ $lt: checkDate('before', before) });
      const attempts = await models.webhookAttempts.deleteMany({ at });
      const deliveries = await models.webhookDeliveries.deleteMany({ state: trusted({ $ne: 'pending' }), createdAt: at });
      return attempts.deletedCount + deliveries.deletedCount;
    },
    async listWebhookAttempts(webhookId, limit) {
      const docs = await models.webhookAttempts.find({ webhookId: idString(webhookId) }).sort({ at: -1, attempt: -1 }).limit(checkLimit(limit)).lean<WebhookAttemptDoc[]>();
      return docs.map(attemptFromDoc);
    },
  };
}
