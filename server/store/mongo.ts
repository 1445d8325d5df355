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
  StoredTurnMeta,
  SweepResult,
} from './store.ts';
import {
  checkAfter,
  checkDate,
  checkDuration,
  checkLimit,
  checkPii,
  checkSender,
  idString,
  locale,
  messageExtras,
  turnRequest,
} from './arguments.ts';
import { completeTurn, conversationsWithPendingTurns, nextTurn } from './mongo-turns.ts';
import { lease, release } from './mongo-leases.ts';
import { mongoConsoleStore } from './mongo-console.ts';
import { mongoHandoverStore } from './mongo-handovers.ts';
import { mongoDataProtection } from './mongo-data-protection.ts';
import { foldReportChunks, mongoReportStore, tallies } from './mongo-reports.ts';
import { mongoWebhookStore } from './mongo-webhooks.ts';
import { nameOwingConversations } from './mongo-outbox.ts';
import { conversationStarted, messageStored } from '../reports/tally.ts';
import { storeError } from './errors.ts';
import { defineModels, type ConversationDoc, type MessageDoc, type Models } from './mongo-models.ts';
import { inBatches, SWEEP_BATCH } from './batches.ts';
import { browseConversations } from './mongo-browse.ts';
import { parseJsonColumn, pickLinks, pickQuickReplies, toChatMessage } from './rows.ts';

const { trusted } = mongoose;

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

export function toConversation(doc: ConversationDoc): Conversation {
  return {
    id: doc._id,
    botId: doc.botId,
    visitorId: doc.visitorId,
    origin: doc.origin,
    createdAt: doc.createdAt,
    lastActivityAt: doc.lastActivityAt,
    handover: doc.handover,
    state: parseJsonColumn<Record<string, unknown>>(doc.state) ?? {},
    subject: doc.subject ?? null,
    locale: doc.locale ?? null,
    intents: [...(doc.intents ?? [])],
    outcomes: [...(doc.outcomes ?? [])],
  };
}

export function messageFromDoc(doc: MessageDoc & { id: number }): ChatMessage {
  return toChatMessage({
    conversationId: doc.conversationId,
    id: doc.id,
    clientId: doc.clientId ?? null,
    sender: doc.sender,
    text: doc.text,
    quickReplies: doc.quickReplies,
    links: doc.links,
    author: doc.author,
    notice: doc.notice,
    createdAt: doc.createdAt,
  });
}

type StoredDoc = MessageDoc & { _id: mongoose.Types.ObjectId };

/** The idempotency key of an append (see MessageDoc.idempotencyKey). */
function idempotencyKey(clientId: string | null, id: number): string {
  return clientId === null ? `id:${id}` : clientKey(clientId);
}

function clientKey(clientId: string): string {
  return `client:${clientId}`;
}

/** What a durable turn adds to an append: a visitor message's pending turn, a reply's own key. */
export interface AppendExtra {
  /** Replaces the idempotency key: a turn's replies are keyed by the message they answer. */
  key?: string;
  fields?: Pick<MessageDoc, 'turn' | 'turnPending' | 'replyTo'>;
}

/**
 * Activity is recorded on the conversation at this granularity. Retention counts in days, and a
 * conversation that is talking gets its activity from each turn's completion (mongo-turns.ts): an
 * append writes the conversation only when it wakes one that has been quiet this long.
 */
const ACTIVITY_GRANULARITY_MS = 60_000;

/**
 * Appends without transactions, with single-document atomic writes only. The insert itself takes
 * the id: the unique (conversationId, id) index lets exactly one insert have each id, and a loser
 * tries the next one. An append tries id n only after message n-1 is stored (it starts above the
 * highest id stored, and a loser moves to n only because n-1 is taken), so messages become visible
 * in id order: a reader that has seen id n never misses a later commit, since that commit gets an id
 * above n. No clocks are compared and nobody waits for anybody.
 *
 * An append does not write the conversation document, except to wake an idle one. FerretDB 1.x
 * updates a document by reading it and writing the whole of it back, not atomically: an append's
 * update racing a turn's completion (dialog state and `turnsDone`, written under the turn's lease)
 * could put the old state back, and the conversation's next turn then ran on it (found by the
 * scale-out kill -9 test). So the next id comes from the messages themselves; `nextMessageId` only
 * carries it over the messages clearConversation removes.
 *
 * A visitor message's repeat is caught by the unique (conversationId, idempotencyKey) index; the
 * stored message is complete the moment it exists, so a repeat returns it at once.
 */
export async function appendMessage(models: Models, input: NewMessage, extra: AppendExtra = {}): Promise<AppendResult> {
  const conversationId = idString(input.conversationId);
  const clientId = input.clientId === null ? null : idString(input.clientId);
  const sender = checkSender(input.sender);
  const { author, notice } = messageExtras(sender, input);
  const createdAt = checkDate('now', input.now ?? new Date());
  const conversation = await models.conversations.findOne({ _id: conversationId }).lean<ConversationDoc>();
  if (!conversation) throw storeError('unknown_conversation', 'no such conversation');
  const base = {
    conversationId,
    clientId,
    sender,
    text: String(input.text),
    quickReplies: pickQuickReplies(input.quickReplies),
    links: pickLinks(input.links),
    // Absent rather than null when there is none, as quick replies and links are.
    ...(author !== null ? { author } : {}),
    ...(notice !== null ? { notice } : {}),
    createdAt,
    botId: conversation.botId,
  };

  const uniqueKey = extra.key ?? (clientId === null ? undefined : clientKey(clientId));
  let id = Math.max(conversation.nextMessageId, (await lastMessageId(models, conversationId)) + 1);
  for (;;) {
    try {
      await models.messages.create({ ...base, ...extra.fields, id, idempotencyKey: uniqueKey ?? idempotencyKey(null, id) });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (uniqueKey !== undefined) {
      const earlier = await models.messages.findOne({ conversationId, idempotencyKey: uniqueKey }).lean<StoredDoc>();
      if (earlier) return { message: messageFromDoc(earlier), created: false };
    }
    // Id n is taken, so n+1 may be tried. (A conversation deleted meanwhile is noticed below.)
    id += 1;
  }

  // A conversation deleted since we read it is gone now: take our message back out, so deletion
  // leaves no orphan (deleteConversation removes the conversation before its messages; see
  // removeConversation).
  const wakes = createdAt.getTime() - conversation.lastActivityAt.getTime() >= ACTIVITY_GRANULARITY_MS;
  const stillThere = wakes
    ? (await models.conversations.updateOne({ _id: conversationId }, { $max: { lastActivityAt: createdAt } })).matchedCount === 1
    : (await models.conversations.exists({ _id: conversationId })) !== null;
  if (!stillThere) {
    await models.messages.deleteOne({ conversationId, id });
    throw storeError('unknown_conversation', 'no such conversation');
  }
  tallies(models).add(messageStored(conversation.botId, sender, createdAt));
  return { message: messageFromDoc({ ...base, id, idempotencyKey: uniqueKey ?? idempotencyKey(null, id) }), created: true };
}

/** The highest message id stored in the conversation, 0 when none is. */
async function lastMessageId(models: Models, conversationId: string): Promise<number> {
  const last = await models.messages.findOne({ conversationId }, { id: 1 }).sort({ id: -1 }).lean<{ id: number }>();
  return last?.id ?? 0;
}

export async function putValue(models: Models, conversationId: string, value: Omit<CollectedValue, 'createdAt'> & { now?: Date }): Promise<void> {
  const id = idString(conversationId);
  const conversation = await models.conversations.findOne({ _id: id }, { botId: 1 }).lean<{ botId: string }>();
  if (!conversation) throw storeError('unknown_conversation', 'no such conversation');
  const createdAt = checkDate('now', value.now ?? new Date());
  const fields = { value: String(value.value), pii: checkPii(value.pii), botId: conversation.botId, createdAt };
  const key = String(value.key);
  const put = () => models.values.updateOne({ conversationId: id, key }, { $set: fields }, { upsert: true });
  try {
    await put();
  } catch (err) {
    // Two upserts of a new key raced; the loser's retry is a plain update.
    if (!isDuplicateKey(err)) throw err;
    await put();
  }
  // Deleted while we wrote: take the value back out (the same rule as appendMessage).
  if (!(await models.conversations.exists({ _id: id }))) {
    await models.values.deleteOne({ conversationId: id, key });
    throw storeError('unknown_conversation', 'no such conversation');
  }
}

async function removeConversation(models: Models, id: string, owner: ConversationOwner | undefined, beforeRemoval: BeforeRemoval): Promise<boolean> {
  if (owner) {
    // Owners never change, so checking first and deleting after cannot let another's go.
    const theirs = { _id: id, botId: idString(owner.botId), visitorId: idString(owner.visitorId) };
    if (!(await models.conversations.exists(theirs)) && !(await models.archivedConversations.exists(theirs))) return false;
  }
  await beforeRemoval([id]);
  // The conversation first: an append or putValue that races us checks for it after its own write
  // and removes what it wrote when it is gone, so nothing is left behind whichever runs first.
  const live = await models.conversations.deleteOne({ _id: id });
  await removeContents(models, id);
  const archived = await models.archivedConversations.deleteOne({ _id: id });
  await removeArchivedContents(models, [id]);
  return live.deletedCount + archived.deletedCount > 0;
}

/**
 * What a live conversation holds, removed after the conversation itself. Handovers before their
 * transition markers and notes: a write racing the deletion checks for the thing it wrote under
 * after its write, and takes its write back out when that is gone (see mongo-handovers.ts).
 */
async function removeContents(models: Models, conversationId: string): Promise<void> {
  await models.messages.deleteMany({ conversationId });
  await models.values.deleteMany({ conversationId });
  await models.handovers.deleteMany({ conversationId });
  await models.handoverTransitions.deleteMany({ conversationId });
  await models.handoverNotes.deleteMany({ conversationId });
  // What it still owes to webhooks (attempts made stay: metadata, no body).
  await models.webhookDeliveries.deleteMany({ conversationId });
}

/** What archived conversations hold, for the ids listed. */
async function removeArchivedContents(models: Models, ids: string[]): Promise<void> {
  const ofThem = trusted({ $in: ids });
  await models.archivedMessages.deleteMany({ conversationId: ofThem });
  await models.archivedValues.deleteMany({ conversationId: ofThem });
  await models.archivedHandoverNotes.deleteMany({ conversationId: ofThem });
  await models.archivedHandovers.deleteMany({ conversationId: ofThem });
}

/** Copies one conversation with its messages and values into the archive collections (idempotent). */
/**
 * Two sweepers copying the same conversation both upsert the same documents, and one insert of
 * each pair fails on the unique key: the copy it would have written is there already.
 */
function ignoringDuplicates(write: Promise<unknown>): Promise<unknown> {
  return write.catch((err: unknown) => {
    const errors = (err as { writeErrors?: Array<{ code?: number }> }).writeErrors;
    const allDuplicates = isDuplicateKey(err) && (errors ?? []).every((e) => e.code === 11000);
    if (!allDuplicates) throw err;
  });
}

async function copyToArchive(models: Models, id: string, now: Date): Promise<void> {
  const conversation = await models.conversations.findOne({ _id: id }).lean<ConversationDoc>();
  if (!conversation) return;
  await ignoringDuplicates(models.archivedConversations.replaceOne({ _id: id }, { ...conversation, archivedAt: now }, { upsert: true }));
  const messages = await models.messages.find({ conversationId: id }).lean();
  if (messages.length > 0) {
    await ignoringDuplicates(
      models.archivedMessages.bulkWrite(
        messages.map((m) => ({ replaceOne: { filter: { conversationId: id, id: m.id }, replacement: m, upsert: true } })),
        { ordered: false },
      ),
    );
  }
  const values = await models.values.find({ conversationId: id }).lean();
  if (values.length > 0) {
    await ignoringDuplicates(
      models.archivedValues.bulkWrite(
        values.map((v) => ({ replaceOne: { filter: { conversationId: id, key: v.key }, replacement: v, upsert: true } })),
        { ordered: false },
      ),
    );
  }
  for (const [from, to] of [
    [models.handovers, models.archivedHandovers],
    [models.handoverNotes, models.archivedHandoverNotes],
  ] as const) {
    // Both are keyed by their own _id; one Model type lets TypeScript call through the pair.
    const source = from as unknown as mongoose.Model<{ _id: string }>;
    const docs = await source.find({ conversationId: id }).lean<Array<{ _id: string }>>();
    if (docs.length === 0) continue;
    await ignoringDuplicates(
      (to as unknown as mongoose.Model<{ _id: string }>).bulkWrite(
        docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
        { ordered: false },
      ),
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
async function expire(
  model: Models['messages'] | Models['values'] | Models['handoverNotes'],
  botId: string,
  cutoff: Date,
): Promise<number> {
  // Both collections carry botId and createdAt; one Model type lets TypeScript call through the union.
  const expiring = model as unknown as mongoose.Model<{ botId: string; createdAt: Date }>;
  return inIdBatches(
    () => expiring.find({ botId, createdAt: trusted({ $lt: cutoff }) }, { _id: 1 }).limit(SWEEP_BATCH).lean<Array<{ _id: unknown }>>(),
    async (ids) => (await expiring.deleteMany({ _id: trusted({ $in: ids }) })).deletedCount,
  );
}

/**
 * One bot's handovers that ended before `cutoff` and still hold text: their resolution note and
 * rating comment are forgotten, at most SWEEP_BATCH per round trip; the records stay.
 */
async function forgetHandoverTexts(model: Models['handovers'], botId: string, cutoff: Date): Promise<number> {
  const holdingText = {
    botId,
    endedAt: trusted({ $lt: cutoff }),
    $or: [{ resolutionNote: trusted({ $ne: null }) }, { ratingComment: trusted({ $ne: null }) }],
  };
  return inIdBatches(
    () => model.find(holdingText, { _id: 1 }).limit(SWEEP_BATCH).lean<Array<{ _id: string }>>(),
    async (ids) => (await model.updateMany({ _id: trusted({ $in: ids }) }, { $set: { resolutionNote: null, ratingComment: null } })).matchedCount,
  );
}

async function sweepIdle(models: Models, botId: string, cutoff: Date, archive: boolean, now: Date, beforeRemoval: BeforeRemoval): Promise<number> {
  const idle = () =>
    models.conversations
      .find({ botId, lastActivityAt: trusted({ $lte: cutoff }) }, { _id: 1 })
      .limit(SWEEP_BATCH)
      .lean<Array<{ _id: string }>>();
  return inIdBatches(idle, async (ids) => {
    // Deleting: the batch is erased first, and removed whole even if a message arrives meanwhile
    // (as a visitor's deletion racing a message is). Archiving keeps the keys.
    if (!archive) await beforeRemoval(ids);
    let moved = 0;
    for (const id of ids) {
      if (archive) await copyToArchive(models, id, now);
      // Archiving re-checks idleness as it deletes: a conversation that came back to life since is spared.
      const gone = await models.conversations.deleteOne(archive ? { _id: id, lastActivityAt: trusted({ $lte: cutoff }) } : { _id: id });
      if (gone.deletedCount === 1) {
        await removeContents(models, id);
        moved += 1;
      } else if (archive && (await models.conversations.exists({ _id: id }))) {
        // Came back to life: take the copy back out. (Gone instead means another sweeper moved it:
        // its archived copy stays.)
        await models.archivedConversations.deleteOne({ _id: id });
        await removeArchivedContents(models, [id]);
      }
    }
    return moved;
  });
}

/** Archived conversations archived before `cutoff`, erased and deleted whole. */
async function expireArchived(models: Models, botId: string, cutoff: Date, beforeRemoval: BeforeRemoval): Promise<number> {
  const expired = () =>
    models.archivedConversations
      .find({ botId, archivedAt: trusted({ $lt: cutoff }) }, { _id: 1 })
      .limit(SWEEP_BATCH)
      .lean<Array<{ _id: string }>>();
  return inIdBatches(expired, async (ids) => {
    await beforeRemoval(ids);
    // What they hold first: if we stop half-way, the conversation is still there to find next time.
    await removeArchivedContents(models, ids);
    return (await models.archivedConversations.deleteMany({ _id: trusted({ $in: ids }) })).deletedCount;
  });
}

async function sweep(models: Models, policy: RetentionPolicy, now: Date, beforeRemoval: BeforeRemoval): Promise<SweepResult> {
  checkDate('now', now);
  const botId = idString(policy.botId);
  const messageTtlMs = checkDuration('messageTtlMs', policy.messageTtlMs);
  const valueTtlMs = checkDuration('valueTtlMs', policy.valueTtlMs);
  const inactiveAfterMs = checkDuration('inactiveAfterMs', policy.inactiveAfterMs);
  const archiveTtlMs = checkDuration('archiveTtlMs', policy.archiveTtlMs);

  let messagesDeleted = 0;
  let valuesDeleted = 0;
  for (const model of [models.messages, models.archivedMessages]) {
    if (messageTtlMs === undefined) continue;
    messagesDeleted += await expire(model, botId, new Date(now.getTime() - messageTtlMs));
  }
  for (const model of [models.values, models.archivedValues]) {
    if (valueTtlMs === undefined) continue;
    valuesDeleted += await expire(model, botId, new Date(now.getTime() - valueTtlMs));
  }
  // Handover text follows the message TTL: notes, resolution notes, rating comments.
  let handoverTextsDeleted = 0;
  if (messageTtlMs !== undefined) {
    const cutoff = new Date(now.getTime() - messageTtlMs);
    for (const model of [models.handoverNotes, models.archivedHandoverNotes]) handoverTextsDeleted += await expire(model, botId, cutoff);
    for (const model of [models.handovers, models.archivedHandovers]) handoverTextsDeleted += await forgetHandoverTexts(model, botId, cutoff);
  }

  let conversationsArchived = 0;
  let conversationsDeleted = 0;
  if (inactiveAfterMs !== undefined) {
    const cutoff = new Date(now.getTime() - inactiveAfterMs);
    const moved = await sweepIdle(models, botId, cutoff, policy.archive === true, now, beforeRemoval);
    if (policy.archive) conversationsArchived = moved;
    else conversationsDeleted = moved;
  }
  const archivedConversationsDeleted =
    archiveTtlMs === undefined ? 0 : await expireArchived(models, botId, new Date(now.getTime() - archiveTtlMs), beforeRemoval);
  // Not retention: the bot's report tallies written since the last sweep go into its months.
  await foldReportChunks(models, botId);
  return { messagesDeleted, valuesDeleted, conversationsArchived, conversationsDeleted, archivedConversationsDeleted, handoverTextsDeleted };
}

/** sanitizeFilter: a `$`-keyed object inside any filter is matched as a value, never run as an operator. */
export const CONNECTION_OPTIONS = { sanitizeFilter: true, autoIndex: true, autoCreate: true } as const;

/**
 * Erasure: called with the ids of conversations about to be removed (deleted, swept, expired from
 * the archive), before their documents go. The sealed store passes the keyring's destroy().
 */
export type BeforeRemoval = (ids: string[]) => Promise<void>;

export interface MongoStoreOptions {
  beforeRemoval?: BeforeRemoval;
}

export async function openMongoStore(uri: string, opts: MongoStoreOptions = {}): Promise<Store> {
  const conn = mongoose.createConnection(uri, {
    ...CONNECTION_OPTIONS,
    // A short default so a wrong URI fails the start quickly; the URI's own setting wins.
    ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 }),
  });
  const models = defineModels(conn);
  try {
    await conn.asPromise();
    // Builds every index declared in the schemas before the store is handed out.
    await Promise.all(Object.values(models).map((model) => model.init()));
    await nameOwingConversations(models);
  } catch (err) {
    await conn.close();
    throw err;
  }
  return mongoStoreOn(conn, models, opts);
}

/** The Store over an open connection and its models (split out so it can be driven without a server). */
export function mongoStoreOn(conn: Connection, models: Models, opts: MongoStoreOptions = {}): Store {
  let closed = false;
  const beforeRemoval = opts.beforeRemoval ?? (async () => undefined);

  return {
    kind: 'mongodb',
    ...mongoConsoleStore(models),
    ...mongoHandoverStore(models),
    ...mongoDataProtection(models),
    ...mongoReportStore(models),
    ...mongoWebhookStore(models),

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
        subject: input.subject === undefined ? null : String(input.subject),
        locale: locale(input.locale),
        intents: [],
        outcomes: [],
      };
      try {
        await models.conversations.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw storeError('duplicate_conversation', 'a conversation with this id exists');
        throw err;
      }
      tallies(models).add(conversationStarted(doc.botId, now));
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
      // Once signed in to, a conversation stays that person's.
      if (patch.subject !== undefined) await models.conversations.updateOne({ _id: idString(id), subject: null }, { $set: { subject: String(patch.subject) } });
    },

    appendMessage: (input) => appendMessage(models, input),
    appendVisitorMessage: ({ turn, ...input }) =>
      appendMessage(models, input, { fields: { turn: JSON.stringify(turnRequest(turn)), turnPending: true } }),
    nextTurn: (conversationId) => nextTurn(models, idString(conversationId)),
    conversationsWithPendingTurns: (limit) => conversationsWithPendingTurns(models, checkLimit(limit)),
    completeTurn: (conversationId, messageId, outcome) => completeTurn(models, idString(conversationId), checkAfter(messageId), outcome),
    lease: (name, owner, nowMs, untilMs) => lease(models, idString(name), idString(owner), nowMs, untilMs),

    async listTurnMeta(conversationId: string): Promise<StoredTurnMeta[]> {
      const docs = await models.messages
        .find({ conversationId: idString(conversationId), outcome: trusted({ $ne: null }) }, { id: 1, outcome: 1, intent: 1, createdAt: 1 })
        .sort({ id: 1 })
        .lean<Array<Pick<MessageDoc, 'id' | 'outcome' | 'intent' | 'createdAt'>>>();
      return docs.map((d) => ({ messageId: d.id, outcome: d.outcome!, intent: d.intent ?? null, at: d.createdAt }));
    },
    release: (name, owner) => release(models, idString(name), idString(owner)),

    async listMessages(conversationId: string, after: number, limit: number): Promise<ChatMessage[]> {
      const max = checkLimit(limit);
      const from = checkAfter(after);
      if (max === 0) return []; // limit(0) means "no limit" to MongoDB
      // Ids become visible in order (see appendMessage), so what is stored above `after` is all there is.
      const docs = await models.messages
        .find({ conversationId: idString(conversationId), id: trusted({ $gt: from }) })
        .sort({ id: 1 })
        .limit(max)
        .lean<StoredDoc[]>();
      return docs.map(messageFromDoc);
    },

    putValue: (conversationId, value) => putValue(models, conversationId, value),

    async listValues(conversationId: string): Promise<CollectedValue[]> {
      const docs = await models.values.find({ conversationId: idString(conversationId) }).sort({ createdAt: 1, _id: 1 }).lean();
      return docs.map((d) => ({ key: d.key, value: d.value, pii: d.pii, createdAt: d.createdAt }));
    },

    deleteConversation: (id, owner) => removeConversation(models, idString(id), owner, beforeRemoval),

    async clearConversation(id: string): Promise<void> {
      const conversationId = idString(id);
      // Ids go on after the messages removed here (appendMessage starts above the highest one stored).
      await models.conversations.updateOne({ _id: conversationId }, { $max: { nextMessageId: (await lastMessageId(models, conversationId)) + 1 } });
      // A message whose bot turn is still pending stays until that turn has answered it.
      await models.messages.deleteMany({ conversationId, turnPending: trusted({ $ne: true }) });
      await models.values.deleteMany({ conversationId });
      // Handover records are metadata and stay; their text goes (an open handover's notes once it closes).
      const closed = await models.handovers
        .find({ conversationId, state: trusted({ $in: ['resolved', 'abandoned'] }) }, { _id: 1 })
        .lean<Array<{ _id: string }>>();
      if (closed.length > 0) await models.handoverNotes.deleteMany({ handoverId: trusted({ $in: closed.map((h) => h._id) }) });
      await models.handovers.updateMany({ conversationId }, { $set: { resolutionNote: null, ratingComment: null } });
    },

    sweep: (policy, now) => sweep(models, policy, now, beforeRemoval),
    browseConversations: (query) => browseConversations(models, query),

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
      await tallies(models).close();
      await conn.close();
    },
  };
}
