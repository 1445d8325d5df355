// The webhook outbox on MongoDB, without transactions (FerretDB has none). An event is carried by
// the document whose write causes it, in that same single-document update (a turn's "done" mark on
// the conversation, a handover's transition or rating): the event exists exactly when its cause
// does. Right after, the writer moves it into the outbox (one delivery per subscribed webhook,
// under `<eventId>|<webhookId>`, so moving it twice adds nothing) and pulls it out of the
// document. A crash in between leaves it carried; the next outbox scan finds it (an index over
// the carried ids) and finishes the move.
import mongoose from 'mongoose';
import type { Models } from './mongo-models.ts';
import type { WebhookDoc } from './mongo-webhook-models.ts';
import type { WebhookEvent } from './webhook-store.ts';
import { isDuplicateKey } from './mongo.ts';

const { trusted } = mongoose;

/** What may carry events: a conversation or a handover, by `_id`. */
type Carrier = Models['conversations'] | Models['handovers'];

/** Carried events found per scan and kind of document. */
const STRANDED_BATCH = 100;

/**
 * One delivery per enabled webhook of the event's bot subscribed to its type, none for one already
 * there or for a conversation that is gone (checked after writing too: deletion removes the
 * conversation before its deliveries, so a racing write takes its own back out). The number made.
 */
export async function enqueueEvent(models: Models, e: WebhookEvent): Promise<number> {
  const about = { _id: e.conversationId };
  if (!(await models.conversations.exists(about))) return 0;
  const targets = await models.webhooks.find({ botId: e.botId, enabled: true, events: e.type }).lean<WebhookDoc[]>();
  let created = 0;
  for (const target of targets) {
    try {
      await models.webhookDeliveries.create({
        _id: `${e.id}|${target._id}`,
        eventId: e.id,
        webhookId: target._id,
        botId: e.botId,
        conversationId: e.conversationId,
        type: e.type,
        payload: e.payload,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: e.createdAt,
        createdAt: e.createdAt,
      });
      created++;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (created > 0 && !(await models.conversations.exists(about))) {
    await models.webhookDeliveries.deleteMany({ conversationId: e.conversationId });
    return 0;
  }
  return created;
}

/** Moves what the document carries into the outbox, then out of the document; the deliveries made. */
export async function flushCarried(carrier: Carrier, models: Models, _id: string): Promise<number> {
  const model = carrier as unknown as mongoose.Model<{ _id: string; webhookOutbox?: WebhookEvent[] }>;
  const doc = await model.findOne({ _id }, { webhookOutbox: 1 }).lean<{ webhookOutbox?: WebhookEvent[] }>();
  const events = doc?.webhookOutbox ?? [];
  if (events.length === 0) return 0;
  let made = 0;
  for (const event of events) made += await enqueueEvent(models, event);
  // Exactly the documents read, through the driver (no casting to reorder them): FerretDB's $pull
  // takes no condition, only values, and $pullAll removes equal documents on both servers.
  await model.collection.updateOne({ _id } as never, { $pullAll: { webhookOutbox: events } } as never);
  return made;
}

/** Finishes moves a crash interrupted: every document still carrying events, a batch per kind. */
export async function flushStranded(models: Models): Promise<number> {
  let made = 0;
  for (const carrier of [models.conversations, models.handovers] as Carrier[]) {
    const model = carrier as unknown as mongoose.Model<{ _id: string }>;
    const stranded = await model.find({ 'webhookOutbox.id': trusted({ $exists: true }) }, { _id: 1 }).limit(STRANDED_BATCH).lean<Array<{ _id: string }>>();
    for (const { _id } of stranded) made += await flushCarried(carrier, models, _id);
  }
  return made;
}

/** The update that makes a write carry `events` (nothing when there are none). */
export const carry = (events: readonly WebhookEvent[]) => (events.length > 0 ? { $push: { webhookOutbox: { $each: [...events] } } } : {});

/**
 * At open, deliveries from before they named their conversation (the MongoDB twin of SQLite's
 * migration 13): a pending one gets it from its body, or goes when that conversation is gone (it
 * was owed by an erased or archived one); a finished one keeps no body, and needs no name.
 */
export async function nameOwingConversations(models: Models): Promise<void> {
  const unnamed = await models.webhookDeliveries.find({ state: 'pending', conversationId: null }, { _id: 1, payload: 1 }).lean<Array<{ _id: string; payload: string | null }>>();
  for (const { _id, payload } of unnamed) {
    const about = conversationOfBody(payload);
    if (about !== null && (await models.conversations.exists({ _id: about }))) await models.webhookDeliveries.updateOne({ _id }, { $set: { conversationId: about } });
    else await models.webhookDeliveries.deleteOne({ _id });
  }
}

function conversationOfBody(payload: string | null): string | null {
  try {
    const id = (JSON.parse(payload ?? 'null') as { data?: { conversationId?: unknown } } | null)?.data?.conversationId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
