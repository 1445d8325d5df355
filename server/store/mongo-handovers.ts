// The handover side of the MongoDB adapter (HandoverStore, handover-store.ts), with single-document
// writes only (no transactions: FerretDB has none). What must happen once is decided by an insert
// under a unique key, which only one caller can get: the handover itself under its `openKey` (one
// open per conversation), a transition marker `<id>#<version>` (one winner per version), a rating
// marker `<id>#rating`. Conditional updates would do on MongoDB, but FerretDB 1.24 runs them as a
// read and then a write (docs/design.md). What deletion, clearing, archiving and the sweep do with
// handovers is in mongo.ts, beside what they do with messages.
import mongoose from 'mongoose';
import type { Handover, HandoverStore } from './handover-store.ts';
import type { HandoverDoc, HandoverNoteDoc, HandoverTransitionDoc, Models, PresenceDoc } from './mongo-models.ts';
import * as check from './handover-arguments.ts';
import type { HandoverPatch } from './handover-arguments.ts';
import { checkDate, checkLimit, idString, nullableText } from './arguments.ts';
import { storeError } from './errors.ts';
import { isDuplicateKey } from './mongo.ts';
import { tallies } from './mongo-reports.ts';
import { firstResponded, handoverChanged, handoverOpened, rated } from '../reports/tally.ts';
import type { WebhookEvent } from './webhook-store.ts';
import { checkEvents } from './webhook-arguments.ts';
import { carry, flushCarried } from './mongo-outbox.ts';

const { trusted } = mongoose;

/**
 * A transition marker with no update behind it this long after it was written belongs to a writer
 * that died between its two writes; the next caller finishes it. Long beside a write's
 * milliseconds, so a live writer is never overtaken; short enough that a stuck handover (the bot
 * silent, no one able to take it) does not stay stuck.
 */
export const STUCK_TRANSITION_MS = 60_000;

const openKey = (conversationId: string) => `open:${conversationId}`;
const closedKey = (id: string) => `closed:${id}`;

export function handoverFromDoc(doc: HandoverDoc): Handover {
  return {
    id: doc._id,
    conversationId: doc.conversationId,
    botId: doc.botId,
    state: doc.state,
    source: doc.source,
    origin: doc.origin,
    startedAt: doc.startedAt,
    assigneeId: doc.assigneeId ?? null,
    assignedAt: doc.assignedAt ?? null,
    firstResponseAt: doc.firstResponseAt ?? null,
    endedAt: doc.endedAt ?? null,
    resolution: doc.resolution ?? null,
    resolutionNote: doc.resolutionNote ?? null,
    rating: doc.rating ?? null,
    ratingComment: doc.ratingComment ?? null,
    version: doc.version,
  };
}

export const noteFromDoc = (doc: HandoverNoteDoc) => ({
  id: doc._id,
  handoverId: doc.handoverId,
  authorId: doc.authorId,
  text: doc.text,
  createdAt: doc.createdAt,
});

const findHandover = (models: Models, id: string) => models.handovers.findOne({ _id: id }).lean<HandoverDoc>();
const findOpen = (models: Models, conversationId: string) => models.handovers.findOne({ openKey: openKey(conversationId) }).lean<HandoverDoc>();

/** Inserts a marker; false when another caller's insert of the same `_id` got there first. */
async function claim(models: Models, marker: HandoverTransitionDoc): Promise<boolean> {
  try {
    await models.handoverTransitions.create(marker);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * Opens a handover: the insert under `open:<conversationId>` is the arbiter, so of racing openers
 * one creates and the others read the winner. `openedByTurn` ties it to the turn that opened it.
 */
export async function openHandover(
  models: Models,
  input: ReturnType<typeof check.newHandover>,
  openedByTurn: number | null = null,
): Promise<{ handover: Handover; created: boolean }> {
  const { conversationId } = input;
  const conversation = await models.conversations.findOne({ _id: conversationId }, { botId: 1, origin: 1 }).lean<{ botId: string; origin: string }>();
  if (!conversation) throw storeError('unknown_conversation', 'no such conversation');
  const handover: Handover = { ...input, botId: conversation.botId, origin: conversation.origin };
  const { id: _id, ...fields } = handover;
  for (;;) {
    const current = await findOpen(models, conversationId);
    if (current) return { handover: handoverFromDoc(current), created: false };
    try {
      await models.handovers.create({ _id, ...fields, openKey: openKey(conversationId), openedByTurn });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // Someone else's open one (read above on the next round), our id taken, or one that closed meanwhile (try again).
    if (!(await findOpen(models, conversationId)) && (await models.handovers.exists({ _id }))) {
      throw storeError('invalid_argument', 'a handover with this id exists');
    }
  }
  await models.conversations.updateOne({ _id: conversationId }, { $set: { handover: true } });
  // Deleted while we wrote (deletion removes the conversation before its handovers): take ours back out.
  if (!(await models.conversations.exists({ _id: conversationId }))) {
    await models.handovers.deleteOne({ _id });
    throw storeError('unknown_conversation', 'no such conversation');
  }
  tallies(models).add(handoverOpened(handover));
  return { handover, created: true };
}

/**
 * Opens the handover a turn asked for, unless that turn opened one already (a turn run again after
 * a crash). Whether the turn's handover is there: false when another one was open already.
 */
export async function openHandoverForTurn(models: Models, input: ReturnType<typeof check.newHandover>, messageId: number): Promise<boolean> {
  if (await models.handovers.exists({ conversationId: input.conversationId, openedByTurn: messageId })) return true;
  return (await openHandover(models, input, messageId)).created;
}

/** Applies a transition whose marker is there but whose writer, long ago, never got to the update. */
async function finishStuck(models: Models, doc: HandoverDoc): Promise<void> {
  const next = doc.version + 1;
  const marker = await models.handoverTransitions.findOne({ _id: `${doc._id}#${next}` }).lean<HandoverTransitionDoc>();
  if (!marker || Date.now() - marker.at.getTime() < STUCK_TRANSITION_MS) return;
  await models.handovers.updateOne({ _id: doc._id, version: trusted({ $lt: next }) }, { $set: { ...marker.patch, version: next }, ...carry(marker.events ?? []) });
  await flushCarried(models.handovers, models, doc._id);
}

/**
 * Compare-and-set on the version. Of all callers that read version n, only the one whose insert
 * of marker `<id>#<n+1>` succeeds goes on to write: the next version can be claimed only by a
 * caller that has read this write, so writes follow each other in version order.
 */
async function transitionHandover(models: Models, id: string, expected: number, patch: HandoverPatch, events: WebhookEvent[]): Promise<Handover | null> {
  const doc = await findHandover(models, id);
  if (!doc || doc.version !== expected) return null;
  check.refuseReopen(doc.state, patch);
  const next = expected + 1;
  const closes = patch.state !== undefined && !check.isOpen(patch.state);
  const set = { ...patch, version: next, ...(closes ? { openKey: closedKey(id) } : {}) };
  const { resolutionNote: _text, ...logged } = set;
  const marker = { _id: `${id}#${next}`, handoverId: id, conversationId: doc.conversationId, at: new Date(), patch: logged, ...(events.length > 0 ? { events } : {}) };
  if (!(await claim(models, marker))) {
    await finishStuck(models, doc);
    return null;
  }
  // The events ride on the transition's own update: stored exactly when it is.
  const written = await models.handovers.updateOne({ _id: id, version: trusted({ $lt: next }) }, { $set: set, ...carry(events) });
  if (written.matchedCount === 0 && !(await models.handovers.exists({ _id: id, version: next }))) {
    // Deleted with its conversation meanwhile: the marker goes too.
    await models.handoverTransitions.deleteOne({ _id: `${id}#${next}` });
    return null;
  }
  await flushCarried(models.handovers, models, id);
  const before = handoverFromDoc(doc);
  const after = { ...before, ...patch, version: next };
  tallies(models).add(...handoverChanged(before, after));
  return after;
}

/**
 * Sets the first response once. Whoever inserts the marker `<id>#first-response` sets it and counts
 * it: a conditional update alone may let two racing callers both "set" it on FerretDB.
 */
async function markFirstResponse(models: Models, id: string, at: Date): Promise<void> {
  const doc = await findHandover(models, id);
  if (!doc || doc.firstResponseAt) return;
  if (!(await claim(models, { _id: `${id}#first-response`, handoverId: id, conversationId: doc.conversationId, at: new Date(), patch: {} }))) return;
  const written = await models.handovers.updateOne({ _id: id, firstResponseAt: null }, { $set: { firstResponseAt: at } });
  if (written.matchedCount === 1) tallies(models).add(firstResponded(handoverFromDoc(doc), at));
}

async function rateHandover(models: Models, id: string, score: number, comment: string | null, events: WebhookEvent[]): Promise<boolean> {
  const doc = await findHandover(models, id);
  if (!doc || doc.state !== 'resolved' || doc.rating != null) return false;
  // The marker holds no comment: clearing the conversation must leave no text behind.
  if (!(await claim(models, { _id: `${id}#rating`, handoverId: id, conversationId: doc.conversationId, at: new Date(), patch: { rating: score } }))) {
    return false;
  }
  const written = await models.handovers.updateOne({ _id: id }, { $set: { rating: score, ratingComment: comment }, ...carry(events) });
  if (written.matchedCount !== 1) return false;
  await flushCarried(models.handovers, models, id);
  tallies(models).add(rated(handoverFromDoc(doc), score));
  return true;
}

async function addHandoverNote(models: Models, note: ReturnType<typeof check.handoverNote>): Promise<void> {
  const handover = await models.handovers.findOne({ _id: note.handoverId }, { conversationId: 1, botId: 1 }).lean<Pick<HandoverDoc, 'conversationId' | 'botId'>>();
  if (!handover) throw storeError('unknown_handover', 'no such handover');
  const { id: _id, ...fields } = note;
  try {
    await models.handoverNotes.create({ _id, ...fields, conversationId: handover.conversationId, botId: handover.botId });
  } catch (err) {
    if (isDuplicateKey(err)) throw storeError('invalid_argument', 'a note with this id exists');
    throw err;
  }
  // Gone while we wrote (deletion removes handovers before their notes): take the note back out.
  if (!(await models.handovers.exists({ _id: note.handoverId }))) {
    await models.handoverNotes.deleteOne({ _id });
    throw storeError('unknown_handover', 'no such handover');
  }
}

async function setPresence(models: Models, presence: PresenceDoc): Promise<void> {
  if (!(await models.users.exists({ _id: presence._id }))) throw storeError('unknown_user', 'no such console user');
  const { _id, ...fields } = presence;
  const put = () => models.presence.updateOne({ _id }, { $set: fields }, { upsert: true });
  try {
    await put();
  } catch (err) {
    // Two upserts of a new presence raced; the loser's retry is a plain update.
    if (!isDuplicateKey(err)) throw err;
    await put();
  }
}

export function mongoHandoverStore(models: Models): HandoverStore {
  const many = (docs: HandoverDoc[]) => docs.map(handoverFromDoc);
  return {
    openHandover: async (input) => openHandover(models, check.newHandover(input)),

    async getHandover(id) {
      const doc = await findHandover(models, idString(id));
      return doc ? handoverFromDoc(doc) : null;
    },

    async openHandoverOf(conversationId) {
      const doc = await findOpen(models, idString(conversationId));
      return doc ? handoverFromDoc(doc) : null;
    },

    async latestHandoverOf(conversationId) {
      const doc = await models.handovers.findOne({ conversationId: idString(conversationId) }).sort({ startedAt: -1, _id: -1 }).lean<HandoverDoc>();
      return doc ? handoverFromDoc(doc) : null;
    },

    async listHandovers(query) {
      const { bots, states, assigneeId, limit } = check.handoverQuery(query);
      if (limit === 0) return []; // limit(0) means "no limit" to MongoDB
      const filter = {
        ...(bots === 'all' ? {} : { botId: trusted({ $in: bots }) }),
        ...(states !== undefined ? { state: trusted({ $in: states }) } : {}),
        ...(assigneeId !== undefined ? { assigneeId } : {}),
      };
      return many(await models.handovers.find(filter).sort({ startedAt: -1, _id: -1 }).limit(limit).lean<HandoverDoc[]>());
    },

    transitionHandover: async (id, expectedVersion, patch, events) =>
      transitionHandover(models, idString(id), check.checkVersion(expectedVersion), check.handoverPatch(patch), checkEvents(events)),

    markFirstResponse: async (id, at) => markFirstResponse(models, idString(id), checkDate('at', at)),

    rateHandover: async (id, score, comment, events) => rateHandover(models, idString(id), check.checkScore(score), nullableText(comment), checkEvents(events)),

    addHandoverNote: async (note) => addHandoverNote(models, check.handoverNote(note)),

    async listHandoverNotes(handoverId) {
      const docs = await models.handoverNotes.find({ handoverId: idString(handoverId) }).sort({ createdAt: 1, _id: 1 }).lean<HandoverNoteDoc[]>();
      return docs.map(noteFromDoc);
    },

    async waitingHandoversStartedBefore(botId, before, limit) {
      const max = checkLimit(limit);
      const filter = { botId: idString(botId), state: 'waiting' as const, startedAt: trusted({ $lt: checkDate('before', before) }) };
      if (max === 0) return [];
      return many(await models.handovers.find(filter).sort({ startedAt: 1, _id: 1 }).limit(max).lean<HandoverDoc[]>());
    },

    async setPresence(input) {
      const { userId, available, expiresAt } = check.presence(input);
      await setPresence(models, { _id: userId, available, expiresAt });
    },

    async availableOperators(now) {
      const docs = await models.presence
        .find({ available: true, expiresAt: trusted({ $gt: checkDate('now', now) }) }, { _id: 1 })
        .sort({ _id: 1 })
        .lean<Array<{ _id: string }>>();
      return docs.map((d) => d._id);
    },
  };
}
