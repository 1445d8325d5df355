// Durable turns on MongoDB, without transactions (FerretDB has none, and a replica set
// under failover is happier without them): every step is a single-document write that can be
// repeated. A turn's replies are keyed by the message they answer (`reply:<id>:<n>`), so running a
// turn again finds them instead of writing them twice; the new dialog state and the "done" mark
// (`turnsDone` on the conversation) are one update, after the handover the turn opens (keyed by the
// turn too); that update carries the turn's webhook events too, so they exist exactly when the turn
// is done (mongo-outbox.ts moves them into the outbox next); the pending mark on the message is
// cleaned up last, and a mark left behind by a crash is recognised by `turnsDone`.
import mongoose from 'mongoose';
import type { ChatMessage } from '../../common/wire.ts';
import type { PendingTurn, TurnOutcome, TurnRequest } from './store.ts';
import type { ConversationDoc, MessageDoc, Models } from './mongo-models.ts';
import { appendMessage, messageFromDoc, putValue } from './mongo.ts';
import { storeErrorCode } from './errors.ts';
import { checkDate, locale, turnMeta, turnRequest } from './arguments.ts';
import { newHandover } from './handover-arguments.ts';
import { openHandoverForTurn } from './mongo-handovers.ts';
import { carry, flushCarried } from './mongo-outbox.ts';
import { checkEvents } from './webhook-arguments.ts';
import { tallies } from './mongo-reports.ts';
import { turnCompleted } from '../reports/tally.ts';

const { trusted } = mongoose;

type StoredMessage = MessageDoc & { _id: mongoose.Types.ObjectId };

const clearPending = (models: Models, conversationId: string, id: number) =>
  models.messages.updateOne({ conversationId, id }, { $unset: { turn: 1, turnPending: 1 } });

async function turnsDone(models: Models, conversationId: string): Promise<number | null> {
  const conversation = await models.conversations.findOne({ _id: conversationId }, { turnsDone: 1 }).lean<Pick<ConversationDoc, 'turnsDone'>>();
  return conversation ? (conversation.turnsDone ?? 0) : null;
}

export async function nextTurn(models: Models, conversationId: string): Promise<PendingTurn | null> {
  const done = await turnsDone(models, conversationId);
  if (done === null) return null;
  const pending = await models.messages.find({ conversationId, turnPending: true }).sort({ id: 1 }).lean<StoredMessage[]>();
  for (const message of pending) {
    if (message.id <= done || !message.turn) {
      await clearPending(models, conversationId, message.id); // done, but the crash came before the cleanup
      continue;
    }
    return { conversationId, messageId: message.id, ...turnRequest(JSON.parse(message.turn) as TurnRequest) };
  }
  return null;
}

export async function conversationsWithPendingTurns(models: Models, limit: number): Promise<string[]> {
  if (limit === 0) return [];
  // A conversation may have several pending turns; read enough to fill `limit` distinct ones.
  const pending = await models.messages
    .find({ turnPending: true }, { conversationId: 1 })
    .sort({ createdAt: 1, _id: 1 })
    .limit(limit * 16)
    .lean<Array<{ conversationId: string }>>();
  return [...new Set(pending.map((m) => m.conversationId))].slice(0, limit);
}

async function repliesTo(models: Models, conversationId: string, messageId: number): Promise<ChatMessage[]> {
  const replies = await models.messages.find({ conversationId, replyTo: messageId }).sort({ id: 1 }).lean<StoredMessage[]>();
  return replies.map(messageFromDoc);
}

async function storeOutcome(models: Models, conversationId: string, botId: string, messageId: number, outcome: TurnOutcome): Promise<ChatMessage[]> {
  const now = checkDate('now', outcome.now ?? new Date());
  const replies: ChatMessage[] = [];
  for (const [n, reply] of outcome.replies.entries()) {
    const { message } = await appendMessage(
      models,
      { ...reply, conversationId, clientId: null, now },
      { key: `reply:${messageId}:${n}`, fields: { replyTo: messageId } },
    );
    replies.push(message);
  }
  for (const value of outcome.values) await putValue(models, conversationId, { ...value, now });
  // Keyed by this turn, like its replies: run again, it finds the handover instead of opening another.
  const events = checkEvents(outcome.events);
  if (outcome.handover) {
    const { id, source } = outcome.handover;
    // Its event belongs to the turn that opens it; a handover found open was told of when it opened.
    if (await openHandoverForTurn(models, newHandover({ id, source, conversationId, now }), messageId)) events.push(...checkEvents(outcome.handover.events));
  }
  // What the turn did, on its message; written again alike by a turn run again.
  const meta = turnMeta(outcome.meta);
  await models.messages.updateOne({ conversationId, id: messageId }, { $set: meta });
  // State, "done" and what the turn reached together, once: a turn that lost a race to itself changes nothing here.
  const language = locale(outcome.locale);
  const done = await models.conversations.updateOne(
    { _id: conversationId, turnsDone: trusted({ $lt: messageId }) },
    {
      $set: { state: JSON.stringify(outcome.state), turnsDone: messageId, ...(language !== null ? { locale: language } : {}) },
      $max: { lastActivityAt: now },
      $addToSet: { outcomes: meta.outcome, ...(meta.intent !== null ? { intents: meta.intent } : {}) },
      ...carry(events),
    },
  );
  // Counted by the call that marked it done (on FerretDB, two runs racing past the lease might both).
  if (done.modifiedCount === 1) tallies(models).add(turnCompleted(botId, now, { ...meta, nearest: outcome.meta.nearest }));
  return replies;
}

export async function completeTurn(models: Models, conversationId: string, messageId: number, outcome: TurnOutcome): Promise<ChatMessage[]> {
  turnMeta(outcome.meta); // a bad one fails before anything of the turn is written
  locale(outcome.locale);
  checkEvents(outcome.events);
  checkEvents(outcome.handover?.events);
  const message = await models.messages.findOne({ conversationId, id: messageId }, { turn: 1, botId: 1 }).lean<Pick<MessageDoc, 'turn' | 'botId'>>();
  const done = await turnsDone(models, conversationId);
  if (!message || done === null) return [];
  if (done >= messageId || !message.turn) {
    await clearPending(models, conversationId, messageId);
    return repliesTo(models, conversationId, messageId);
  }
  try {
    const replies = await storeOutcome(models, conversationId, message.botId, messageId, outcome);
    await flushCarried(models.conversations, models, conversationId);
    await clearPending(models, conversationId, messageId);
    return replies;
  } catch (err) {
    // Deleted while the turn ran: nothing of it stays (appendMessage and putValue saw to that).
    if (storeErrorCode(err) === 'unknown_conversation') return [];
    throw err;
  }
}
