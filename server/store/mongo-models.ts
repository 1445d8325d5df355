// Mongoose schemas of the MongoDB adapter, with every index declared here so that opening the store
// builds them. Dialog state is kept as JSON text: it is opaque to the store, and text cannot carry
// `$`- or dot-named keys into a document.
import { Schema, type Connection } from 'mongoose';
import type { Link, QuickReply, Sender } from '../../common/wire.ts';
import type { PiiTag } from './store.ts';

export interface ConversationDoc {
  _id: string;
  botId: string;
  visitorId: string;
  origin: string;
  createdAt: Date;
  lastActivityAt: Date;
  handover: boolean;
  state: string;
  /** The id the next message gets; taken with $inc so concurrent appends never share one. */
  nextMessageId: number;
  /** Set on archived copies only. */
  archivedAt?: Date;
}

/**
 * TTL indexes are per collection while retention is per bot, so a document carries its own expiry
 * (`expiresAt`, with `expireAfterSeconds: 0`) and the TTL it was stamped with (`ttlMs`), set from
 * the bot's policy by sweep(). MongoDB then removes expired documents between sweeps by itself;
 * sweep() still deletes explicitly so both adapters behave the same at any `now`.
 */
interface Expiring {
  botId: string;
  createdAt: Date;
  expiresAt?: Date | null;
  ttlMs?: number | null;
}

export interface MessageDoc extends Expiring {
  conversationId: string;
  /** Null only while a claimed visitor message waits for its number. */
  id: number | null;
  clientId: string | null;
  sender: Sender;
  text: string;
  quickReplies?: QuickReply[] | null;
  links?: Link[] | null;
}

export interface ValueDoc extends Expiring {
  conversationId: string;
  key: string;
  value: string;
  pii: PiiTag;
}

// Strings are declared without `required`: Mongoose treats '' as missing, and '' is valid text.
const schemaOptions = { versionKey: false, strict: 'throw', strictQuery: 'throw' } as const;

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String },
    botId: { type: String },
    visitorId: { type: String },
    origin: { type: String },
    createdAt: { type: Date },
    lastActivityAt: { type: Date },
    handover: { type: Boolean, default: false },
    state: { type: String, default: '{}' },
    nextMessageId: { type: Number, default: 1 },
    archivedAt: { type: Date },
  },
  schemaOptions,
);
conversationSchema.index({ botId: 1, lastActivityAt: 1 });
// The archive's own retention finds one bot's conversations by when they were archived.
const archivedConversationSchema = conversationSchema.clone();
archivedConversationSchema.index({ botId: 1, archivedAt: 1 });

const expiringFields = {
  botId: { type: String },
  createdAt: { type: Date },
  expiresAt: { type: Date, default: null },
  ttlMs: { type: Number, default: null },
};

function withExpiry<T>(schema: Schema<T>): Schema<T> {
  schema.index({ botId: 1, createdAt: 1 });
  schema.index({ botId: 1, ttlMs: 1 });
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return schema;
}

const quickReplySchema = new Schema<QuickReply>({ label: String, action: String }, { _id: false, ...schemaOptions });
const linkSchema = new Schema<Link>({ label: String, url: String }, { _id: false, ...schemaOptions });

const messageSchema = withExpiry(
  new Schema<MessageDoc>(
    {
      ...expiringFields,
      conversationId: { type: String },
      // Null while a visitor message is claimed but not yet numbered (see appendMessage in mongo.ts).
      id: { type: Number, default: null },
      clientId: { type: String, default: null },
      sender: { type: String, enum: ['visitor', 'bot', 'system'] },
      text: { type: String, default: '' },
      quickReplies: { type: [quickReplySchema], default: undefined },
      links: { type: [linkSchema], default: undefined },
    },
    schemaOptions,
  ),
);
messageSchema.index({ conversationId: 1, id: 1 }, { unique: true, partialFilterExpression: { id: { $type: 'number' } } });
// Idempotency: one message per client id within a conversation; bot messages (null) are exempt.
messageSchema.index(
  { conversationId: 1, clientId: 1 },
  { unique: true, partialFilterExpression: { clientId: { $type: 'string' } } },
);

const valueSchema = withExpiry(
  new Schema<ValueDoc>(
    {
      ...expiringFields,
      conversationId: { type: String },
      key: { type: String },
      value: { type: String, default: '' },
      pii: { type: String, enum: ['none', 'contact', 'identity', 'sensitive'] },
    },
    schemaOptions,
  ),
);
valueSchema.index({ conversationId: 1, key: 1 }, { unique: true });

/** Live collections and their archive twins (same shapes, same indexes, TTL included). */
export function defineModels(conn: Connection) {
  return {
    conversations: conn.model<ConversationDoc>('Conversation', conversationSchema, 'conversations'),
    messages: conn.model<MessageDoc>('Message', messageSchema, 'messages'),
    values: conn.model<ValueDoc>('CollectedValue', valueSchema, 'collected_values'),
    archivedConversations: conn.model<ConversationDoc>('ArchivedConversation', archivedConversationSchema, 'archived_conversations'),
    archivedMessages: conn.model<MessageDoc>('ArchivedMessage', messageSchema, 'archived_messages'),
    archivedValues: conn.model<ValueDoc>('ArchivedCollectedValue', valueSchema, 'archived_collected_values'),
  };
}

export type Models = ReturnType<typeof defineModels>;
