// The MongoDB adapter (mongoose), for deployments with several Parley servers. Filters are built
// from strings only (ids coerced with String()), the connection runs with sanitizeFilter so a
// `$`-keyed object can never act as an operator, and our own operators are marked trusted.
import mongoose, { type Connection } from 'mongoose';
import type { ChatMessage } from '../../common/wire.ts';
import type {
  AppendResult,
  CollectedValue,
  Conversation,
  ConversationOwner,
  NewConversation,
  NewMessage,
  RetentionPolicy,
  Store,
  SweepResult,
} from './store.ts';
import { checkAfter, checkDate, checkDuration, checkLimit, checkPii, checkSender, idString } from './arguments.ts';
import { storeError } from './errors.ts';
import { defineModels, type ConversationDoc, type MessageDoc, type Models } from './mongo-models.ts';
import { contiguousPrefix, GAP_GRACE_MS } from './contiguous.ts';
import { inBatches, SWEEP_BATCH } from './batches.ts';
import { parseJsonColumn, pickLinks, pickQuickReplies, toChatMessage } from './rows.ts';

const { trusted } = mongoose;

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

function toConversation(doc: ConversationDoc): Conversation {
  return {
    id: doc._id,
    botId: doc.botId,
    visitorId: doc.visitorId,
    origin: doc.origin,
    createdAt: doc.createdAt,
    lastActivityAt: doc.lastActivityAt,
    handover: doc.handover,
    state: parseJsonColumn<Record<string, unknown>>(doc.state) ?? {},
  };
}

function messageFromDoc(doc: MessageDoc & { id: number }): ChatMessage {
  return toChatMessage({
    conversationId: doc.conversationId,
    id: doc.id,
    clientId: doc.clientId ?? null,
    sender: doc.sender,
    text: doc.text,
    quickReplies: doc.quickReplies,
    links: doc.links,
    createdAt: doc.createdAt,
  });
}

/** The TTLs last seen for each bot, to stamp `expiresAt` on new documents between sweeps. */
type TtlMemory = Map<string, { messageTtlMs?: number; valueTtlMs?: number }>;

function expiryFields(ttlMs: number | undefined, createdAt: Date) {
  return ttlMs === undefined
    ? { expiresAt: null, ttlMs: null }
    : { expiresAt: new Date(createdAt.getTime() + ttlMs), ttlMs };
}

/** Stamps (or clears) `expiresAt` on one bot's documents whose stamp differs from the policy. */
async function stampExpiry(model: Models['messages'] | Models['values'], botId: string, ttlMs: number | undefined) {
  // Both collections carry the same expiry fields; one Model type lets TypeScript call through the union.
  const expiring = model as unknown as mongoose.Model<{ botId: string; ttlMs: number | null; expiresAt: Date | null }>;
  if (ttlMs === undefined) {
    await expiring.updateMany({ botId, ttlMs: trusted({ $ne: null }) }, { $set: { expiresAt: null, ttlMs: null } });
    return;
  }
  await expiring.updateMany(
    { botId, ttlMs: trusted({ $ne: ttlMs }) },
    [{ $set: { expiresAt: { $add: ['$createdAt', ttlMs] }, ttlMs } }],
    { updatePipeline: true },
  );
}

/** Takes the conversation's next message id (and counts the append as activity); null if it is gone. */
async function allocateId(models: Models, conversationId: string, at: Date) {
  return models.conversations
    .findOneAndUpdate(
      { _id: conversationId },
      { $inc: { nextMessageId: 1 }, $max: { lastActivityAt: at } },
      { returnDocument: 'before', projection: { nextMessageId: 1, botId: 1 } },
    )
    .lean<Pick<ConversationDoc, 'nextMessageId' | 'botId'>>();
}

type StoredDoc = MessageDoc & { _id: mongoose.Types.ObjectId };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The answer for a repeated clientId: the stored message once it has its number. A claim still
 * unnumbered after GAP_GRACE_MS belongs to a writer that died between its two steps; it is
 * numbered here, and a conditional update makes sure only one taker's number sticks.
 */
async function settleRepeat(models: Models, claimed: StoredDoc): Promise<AppendResult> {
  let doc: StoredDoc | null = claimed;
  while (doc) {
    if (doc.id !== null) return { message: messageFromDoc({ ...doc, id: doc.id }), created: false };
    if (Date.now() - doc._id.getTimestamp().getTime() > GAP_GRACE_MS) {
      const allocated = await allocateId(models, doc.conversationId, doc.createdAt);
      if (!allocated) throw storeError('unknown_conversation', 'no such conversation');
      await models.messages.updateOne({ _id: doc._id, id: trusted({ $type: 'null' }) }, { $set: { id: allocated.nextMessageId } });
    } else {
      await sleep(20);
    }
    doc = await models.messages.findOne({ _id: doc._id }).lean<StoredDoc>();
  }
  throw storeError('unknown_conversation', 'no such conversation');
}

/**
 * Appends gaplessly without transactions. A visitor message is first claimed: inserted without a
 * number, so the unique (conversationId, clientId) index picks one winner among concurrent
 * repeats; only the winner then takes an id and sets it. Losers wait for the winner's number.
 * Bot and system messages have no clientId to race on and are numbered before insert.
 */
async function appendMessage(models: Models, ttls: TtlMemory, input: NewMessage): Promise<AppendResult> {
  const conversationId = idString(input.conversationId);
  const clientId = input.clientId === null ? null : idString(input.clientId);
  const sender = checkSender(input.sender);
  const createdAt = checkDate('now', input.now ?? new Date());
  const base = {
    conversationId,
    clientId,
    sender,
    text: String(input.text),
    quickReplies: pickQuickReplies(input.quickReplies),
    links: pickLinks(input.links),
    createdAt,
  };

  if (clientId === null) {
    const allocated = await allocateId(models, conversationId, createdAt);
    if (!allocated) throw storeError('unknown_conversation', 'no such conversation');
    const doc: MessageDoc = {
      ...base,
      id: allocated.nextMessageId,
      botId: allocated.botId,
      ...expiryFields(ttls.get(allocated.botId)?.messageTtlMs, createdAt),
    };
    await models.messages.create(doc);
    return { message: messageFromDoc({ ...doc, id: allocated.nextMessageId }), created: true };
  }

  const findClaim = () => models.messages.findOne({ conversationId, clientId }).lean<StoredDoc>();
  const earlier = await findClaim();
  if (earlier) return settleRepeat(models, earlier);

  const conversation = await models.conversations.findOne({ _id: conversationId }, { botId: 1 }).lean<{ botId: string }>();
  if (!conversation) throw storeError('unknown_conversation', 'no such conversation');
  let claimId: mongoose.Types.ObjectId;
  try {
    const claim = await models.messages.create({
      ...base,
      id: null,
      botId: conversation.botId,
      ...expiryFields(ttls.get(conversation.botId)?.messageTtlMs, createdAt),
    });
    claimId = claim._id as mongoose.Types.ObjectId;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const winner = await findClaim();
    if (!winner) throw err;
    return settleRepeat(models, winner);
  }

  const allocated = await allocateId(models, conversationId, createdAt);
  if (!allocated) {
    // Deleted between claim and number: take the claim back out.
    await models.messages.deleteOne({ _id: claimId });
    throw storeError('unknown_conversation', 'no such conversation');
  }
  const numbered = await models.messages.updateOne(
    { _id: claimId, id: trusted({ $type: 'null' }) },
    { $set: { id: allocated.nextMessageId } },
  );
  if (numbered.modifiedCount !== 1) {
    // Another request took over this claim (we were slower than GAP_GRACE_MS): its number stands.
    const current = await models.messages.findOne({ _id: claimId }).lean<StoredDoc>();
    if (!current) throw storeError('unknown_conversation', 'no such conversation');
    return settleRepeat(models, current);
  }
  return {
    message: messageFromDoc({ ...base, id: allocated.nextMessageId, botId: conversation.botId }),
    created: true,
  };
}

async function removeConversation(models: Models, id: string, owner: ConversationOwner | undefined): Promise<boolean> {
  if (owner) {
    // Owners never change, so checking first and deleting after cannot let another's go.
    const theirs = { _id: id, botId: idString(owner.botId), visitorId: idString(owner.visitorId) };
    if (!(await models.conversations.exists(theirs)) && !(await models.archivedConversations.exists(theirs))) return false;
  }
  // The conversation first: from then on no append can allocate an id in it.
  const live = await models.conversations.deleteOne({ _id: id });
  await models.messages.deleteMany({ conversationId: id });
  await models.values.deleteMany({ conversationId: id });
  const archived = await models.archivedConversations.deleteOne({ _id: id });
  await models.archivedMessages.deleteMany({ conversationId: id });
  await models.archivedValues.deleteMany({ conversationId: id });
  return live.deletedCount + archived.deletedCount > 0;
}

/** Copies one conversation with its messages and values into the archive collections (idempotent). */
async function copyToArchive(models: Models, id: string, now: Date): Promise<void> {
  const conversation = await models.conversations.findOne({ _id: id }).lean<ConversationDoc>();
  if (!conversation) return;
  await models.archivedConversations.replaceOne({ _id: id }, { ...conversation, archivedAt: now }, { upsert: true });
  const messages = await models.messages.find({ conversationId: id }).lean();
  if (messages.length > 0) {
    await models.archivedMessages.bulkWrite(
      messages.map((m) => ({
        replaceOne: { filter: { conversationId: id, id: m.id }, replacement: m, upsert: true },
      })),
    );
  }
  const values = await models.values.find({ conversationId: id }).lean();
  if (values.length > 0) {
    await models.archivedValues.bulkWrite(
      values.map((v) => ({
        replaceOne: { filter: { conversationId: id, key: v.key }, replacement: v, upsert: true },
      })),
    );
  }
}

/** Finds at most one batch of ids, hands them to `remove`, and goes on until a batch comes back short. */
async function inIdBatches<T>(find: () => Promise<Array<{ _id: T }>>, remove: (ids: T[]) => Promise<number>): Promise<number> {
  let removed = 0;
  await inBatches(async () => {
    const ids = (await find()).map((doc) => doc._id);
    if (ids.length > 0) removed += await remove(ids);
    return ids.length;
  });
  return removed;
}

/** One bot's documents written before `cutoff`, deleted at most SWEEP_BATCH per round trip. */
async function expire(model: Models['messages'] | Models['values'], botId: string, cutoff: Date): Promise<number> {
  // Both collections carry botId and createdAt; one Model type lets TypeScript call through the union.
  const expiring = model as unknown as mongoose.Model<{ botId: string; createdAt: Date }>;
  return inIdBatches(
    () => expiring.find({ botId, createdAt: trusted({ $lt: cutoff }) }, { _id: 1 }).limit(SWEEP_BATCH).lean<Array<{ _id: unknown }>>(),
    async (ids) => (await expiring.deleteMany({ _id: trusted({ $in: ids }) })).deletedCount,
  );
}

async function sweepIdle(models: Models, botId: string, cutoff: Date, archive: boolean, now: Date): Promise<number> {
  const idle = () =>
    models.conversations
      .find({ botId, lastActivityAt: trusted({ $lte: cutoff }) }, { _id: 1 })
      .limit(SWEEP_BATCH)
      .lean<Array<{ _id: string }>>();
  return inIdBatches(idle, async (ids) => {
    let moved = 0;
    for (const id of ids) {
      if (archive) await copyToArchive(models, id, now);
      // Re-check idleness as we delete: a conversation that came back to life since is spared.
      const gone = await models.conversations.deleteOne({ _id: id, lastActivityAt: trusted({ $lte: cutoff }) });
      if (gone.deletedCount === 1) {
        await models.messages.deleteMany({ conversationId: id });
        await models.values.deleteMany({ conversationId: id });
        moved += 1;
      } else if (archive) {
        await models.archivedConversations.deleteOne({ _id: id });
        await models.archivedMessages.deleteMany({ conversationId: id });
        await models.archivedValues.deleteMany({ conversationId: id });
      }
    }
    return moved;
  });
}

/** Archived conversations archived before `cutoff`, deleted whole. */
async function expireArchived(models: Models, botId: string, cutoff: Date): Promise<number> {
  const expired = () =>
    models.archivedConversations
      .find({ botId, archivedAt: trusted({ $lt: cutoff }) }, { _id: 1 })
      .limit(SWEEP_BATCH)
      .lean<Array<{ _id: string }>>();
  return inIdBatches(expired, async (ids) => {
    const ofThem = trusted({ $in: ids });
    // Messages and values first: if we stop half-way, the conversation is still there to find next time.
    await models.archivedMessages.deleteMany({ conversationId: ofThem });
    await models.archivedValues.deleteMany({ conversationId: ofThem });
    return (await models.archivedConversations.deleteMany({ _id: ofThem })).deletedCount;
  });
}

async function sweep(models: Models, ttls: TtlMemory, policy: RetentionPolicy, now: Date): Promise<SweepResult> {
  checkDate('now', now);
  const botId = idString(policy.botId);
  const messageTtlMs = checkDuration('messageTtlMs', policy.messageTtlMs);
  const valueTtlMs = checkDuration('valueTtlMs', policy.valueTtlMs);
  const inactiveAfterMs = checkDuration('inactiveAfterMs', policy.inactiveAfterMs);
  const archiveTtlMs = checkDuration('archiveTtlMs', policy.archiveTtlMs);
  ttls.set(botId, { messageTtlMs, valueTtlMs });

  let messagesDeleted = 0;
  let valuesDeleted = 0;
  for (const model of [models.messages, models.archivedMessages]) {
    await stampExpiry(model, botId, messageTtlMs);
    if (messageTtlMs === undefined) continue;
    messagesDeleted += await expire(model, botId, new Date(now.getTime() - messageTtlMs));
  }
  for (const model of [models.values, models.archivedValues]) {
    await stampExpiry(model, botId, valueTtlMs);
    if (valueTtlMs === undefined) continue;
    valuesDeleted += await expire(model, botId, new Date(now.getTime() - valueTtlMs));
  }

  let conversationsArchived = 0;
  let conversationsDeleted = 0;
  if (inactiveAfterMs !== undefined) {
    const cutoff = new Date(now.getTime() - inactiveAfterMs);
    const moved = await sweepIdle(models, botId, cutoff, policy.archive === true, now);
    if (policy.archive) conversationsArchived = moved;
    else conversationsDeleted = moved;
  }
  const archivedConversationsDeleted =
    archiveTtlMs === undefined ? 0 : await expireArchived(models, botId, new Date(now.getTime() - archiveTtlMs));
  return { messagesDeleted, valuesDeleted, conversationsArchived, conversationsDeleted, archivedConversationsDeleted };
}

export async function openMongoStore(uri: string): Promise<Store> {
  const conn = mongoose.createConnection(uri, {
    sanitizeFilter: true,
    autoIndex: true,
    autoCreate: true,
    // A short default so a wrong URI fails the start quickly; the URI's own setting wins.
    ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 }),
  });
  const models = defineModels(conn);
  try {
    await conn.asPromise();
    // Builds every index declared in the schemas before the store is handed out.
    await Promise.all(Object.values(models).map((model) => model.init()));
  } catch (err) {
    await conn.close();
    throw err;
  }
  return mongoStoreOn(conn, models);
}

/** The Store over an open connection and its models (split out so it can be driven without a server). */
export function mongoStoreOn(conn: Connection, models: Models): Store {
  const ttls: TtlMemory = new Map();
  let closed = false;

  return {
    kind: 'mongodb',

    async createConversation(input: NewConversation): Promise<Conversation> {
      const id = idString(input.id);
      if (await models.archivedConversations.exists({ _id: id })) {
        throw storeError('duplicate_conversation', 'a conversation with this id exists');
      }
      const now = checkDate('now', input.now ?? new Date());
      const doc: ConversationDoc = {
        _id: id,
        botId: idString(input.botId),
        visitorId: idString(input.visitorId),
        origin: String(input.origin),
        createdAt: now,
        lastActivityAt: now,
        handover: false,
        state: '{}',
        nextMessageId: 1,
      };
      try {
        await models.conversations.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw storeError('duplicate_conversation', 'a conversation with this id exists');
        throw err;
      }
      return toConversation(doc);
    },

    async getConversation(id: string): Promise<Conversation | null> {
      const doc = await models.conversations.findOne({ _id: idString(id) }).lean<ConversationDoc>();
      return doc ? toConversation(doc) : null;
    },

    async updateConversation(id, patch): Promise<void> {
      const set: Partial<ConversationDoc> = {};
      if (patch.state !== undefined) set.state = JSON.stringify(patch.state);
      if (patch.handover !== undefined) set.handover = patch.handover === true;
      if (patch.lastActivityAt !== undefined) set.lastActivityAt = checkDate('lastActivityAt', patch.lastActivityAt);
      if (Object.keys(set).length > 0) await models.conversations.updateOne({ _id: idString(id) }, { $set: set });
    },

    appendMessage: (input) => appendMessage(models, ttls, input),

    async listMessages(conversationId: string, after: number, limit: number): Promise<ChatMessage[]> {
      const max = checkLimit(limit);
      const from = checkAfter(after);
      if (max === 0) return []; // limit(0) means "no limit" to MongoDB
      const docs = await models.messages
        .find({ conversationId: idString(conversationId), id: trusted({ $gt: from }) })
        .sort({ id: 1 })
        .limit(max)
        .lean<Array<StoredDoc & { id: number }>>(); // id > after: numbered messages only
      // The ObjectId is made by the writer at insert time: its timestamp dates a possible gap.
      const dated = docs.map((doc) => ({ doc, id: doc.id, writtenAt: doc._id.getTimestamp() }));
      return contiguousPrefix(dated, from, new Date()).map((d) => messageFromDoc(d.doc));
    },

    async putValue(conversationId, value): Promise<void> {
      const id = idString(conversationId);
      const conversation = await models.conversations.findOne({ _id: id }, { botId: 1 }).lean<{ botId: string }>();
      if (!conversation) throw storeError('unknown_conversation', 'no such conversation');
      const createdAt = checkDate('now', value.now ?? new Date());
      const fields = {
        value: String(value.value),
        pii: checkPii(value.pii),
        botId: conversation.botId,
        createdAt,
        ...expiryFields(ttls.get(conversation.botId)?.valueTtlMs, createdAt),
      };
      const key = String(value.key);
      const put = () => models.values.updateOne({ conversationId: id, key }, { $set: fields }, { upsert: true });
      try {
        await put();
      } catch (err) {
        // Two upserts of a new key raced; the loser's retry is a plain update.
        if (!isDuplicateKey(err)) throw err;
        await put();
      }
    },

    async listValues(conversationId: string): Promise<CollectedValue[]> {
      const docs = await models.values.find({ conversationId: idString(conversationId) }).sort({ createdAt: 1, _id: 1 }).lean();
      return docs.map((d) => ({ key: d.key, value: d.value, pii: d.pii, createdAt: d.createdAt }));
    },

    deleteConversation: (id, owner) => removeConversation(models, idString(id), owner),

    async clearConversation(id: string): Promise<void> {
      const conversationId = idString(id);
      await models.messages.deleteMany({ conversationId });
      await models.values.deleteMany({ conversationId });
    },

    sweep: (policy, now) => sweep(models, ttls, policy, now),

    async ping(): Promise<boolean> {
      if (closed || !conn.db) return false;
      try {
        const answer = await conn.db.command({ ping: 1 });
        return answer.ok === 1;
      } catch {
        return false;
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await conn.close();
    },
  };
}
