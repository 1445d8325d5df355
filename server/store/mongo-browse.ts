// The console's conversation browser on MongoDB: one find over live conversations, metadata only.
// What a conversation reached is kept on it as arrays (`outcomes`, `intents`), matched as values;
// a rating lives in its handovers, so the rated ones are looked up there first (FerretDB 1.x has
// no $lookup). Newest first by (createdAt, _id), which the keyset of `before` follows.
import mongoose from 'mongoose';
import type { Conversation, ConversationQuery } from './store.ts';
import type { ConversationDoc, Models } from './mongo-models.ts';
import { conversationQuery } from './arguments.ts';
import { toConversation } from './mongo.ts';

const { trusted } = mongoose;

/** The conversations of `bots` with a rated handover. */
async function ratedConversations(models: Models, bots: ConversationQuery['bots']): Promise<string[]> {
  const filter = { rating: trusted({ $ne: null }), ...(bots === 'all' ? {} : { botId: trusted({ $in: bots }) }) };
  const rated = await models.handovers.find(filter, { conversationId: 1 }).lean<Array<{ conversationId: string }>>();
  return [...new Set(rated.map((h) => h.conversationId))];
}

export async function browseConversations(models: Models, input: ConversationQuery): Promise<Conversation[]> {
  const query = conversationQuery(input);
  if ((query.bots !== 'all' && query.bots.length === 0) || query.limit === 0) return [];
  const filter: Record<string, unknown> = {};
  if (query.bots !== 'all') filter.botId = trusted({ $in: query.bots });
  if (query.from !== undefined || query.to !== undefined) {
    filter.createdAt = trusted({ ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) });
  }
  if (query.locale !== undefined) filter.locale = query.locale;
  // A plain value against an array field matches documents whose array holds it.
  if (query.outcome !== undefined) filter.outcomes = query.outcome;
  if (query.intent !== undefined) filter.intents = query.intent;
  if (query.handedOver) filter.handover = true;
  if (query.rated) filter._id = trusted({ $in: await ratedConversations(models, query.bots) });
  if (query.before !== undefined) {
    const { createdAt, id } = query.before;
    filter.$or = [{ createdAt: trusted({ $lt: createdAt }) }, { createdAt, _id: trusted({ $lt: id }) }];
  }
  const docs = await models.conversations.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit).lean<ConversationDoc[]>();
  return docs.map(toConversation);
}
