// The store interface. Two adapters implement it (SQLite for one machine, MongoDB through mongoose
// for deployments) and one contract suite (store-contract.ts) holds them both to it.
import type { ChatMessage, Link, Notice, QuickReply, Sender } from '../../common/wire.ts';
import type { HandoverSource } from '../../common/handover-wire.ts';
import type { MessageOutcome } from '../../common/turn-outcomes.ts';
import type { ConsoleStore } from './console-store.ts';
import type { HandoverStore } from './handover-store.ts';
import type { DataProtectionStore } from './data-protection-store.ts';
import type { ReportStore } from './report-store.ts';
import type { WebhookEvent, WebhookStore } from './webhook-store.ts';

/** PII classes a bot form slot can carry; the store keeps PII values apart from message text. */
export type PiiTag = 'none' | 'contact' | 'identity' | 'sensitive';

export interface Conversation {
  id: string;
  botId: string;
  visitorId: string;
  /** The host page origin the conversation was started from. */
  origin: string;
  createdAt: Date;
  lastActivityAt: Date;
  /** True once the bot handed the visitor over to a human. */
  handover: boolean;
  /** The bot engine's dialog state (current form, slot, fallback streak…), opaque to the store. */
  state: Record<string, unknown>;
  /**
   * The verified visitor (the identity `sub` the site signed) the conversation belongs to, or null
   * while anonymous: what a data subject's export or erasure finds it by.
   */
  subject: string | null;
  /** The language the conversation was last answered in (`en`, `nb`…); null when never recorded. */
  locale: string | null;
  /**
   * Every intent its turns reached and every outcome they had (common/turn-outcomes.ts), each once,
   * in the order first reached: what the console's conversation filters read. Metadata, no text: it
   * stays when messages expire or are cleared, and goes with the conversation.
   */
  intents: string[];
  outcomes: MessageOutcome[];
}

/** What the conversation browser lists: a conversation's metadata, without its dialog state. */
export type ConversationMeta = Omit<Conversation, 'state'>;

export interface NewConversation {
  id: string;
  botId: string;
  visitorId: string;
  origin: string;
  /** The verified visitor's `sub`, when the site identified them from the start. */
  subject?: string;
  /** The language it starts in. */
  locale?: string;
  now?: Date;
}

export interface NewMessage {
  conversationId: string;
  /** Visitor messages carry the client's idempotency key; bot and system messages carry null. */
  clientId: string | null;
  sender: Sender;
  text: string;
  quickReplies?: QuickReply[];
  links?: Link[];
  /** The operator's display name: `operator` messages only. */
  author?: string;
  /** What a `system` message announces: `system` messages only. */
  notice?: Notice;
  now?: Date;
}

/**
 * A bot turn the visitor's message asks for, kept with that message (an outbox in the same write)
 * until the turn is done, so a crash after the 202 cannot lose it. Holds the input as typed (a
 * form answer's real value, although the message text shows it masked) and what the token said.
 */
export interface TurnRequest {
  input: { text: string } | { action: string };
  locale: string;
  access: string;
}

/** A turn not yet done: the visitor message it answers and what the turn needs. */
export interface PendingTurn extends TurnRequest {
  conversationId: string;
  messageId: number;
}

/** What a visitor's turn did, kept with the visitor's message: metadata, never text. */
export interface TurnMeta {
  /** The engine's outcome (BotTurn.outcome), or `silent` for a turn during a handover. */
  outcome: MessageOutcome;
  /** The intent reached (BotTurn.intent). */
  intent?: string;
  /**
   * With a fallback: the intent nearest to what the visitor wrote (BotTurn.nearest). Counted in the
   * reports' top fallbacks; not kept with the message.
   */
  nearest?: string;
}

/** The metadata of one visitor message whose turn completed. */
export interface StoredTurnMeta {
  messageId: number;
  outcome: MessageOutcome;
  intent: string | null;
  /** When the visitor sent the message. */
  at: Date;
}

/** What a finished turn leaves behind; stored in one step with the turn marked done. */
export interface TurnOutcome {
  /** What the turn did: kept with the visitor's message and added to the conversation's intents and outcomes. */
  meta: TurnMeta;
  /** The language of the turn (the visitor's token's): it becomes the conversation's locale. */
  locale?: string;
  replies: Array<Pick<NewMessage, 'sender' | 'text' | 'quickReplies' | 'links'>>;
  values: Array<Omit<CollectedValue, 'createdAt'>>;
  state: Record<string, unknown>;
  /**
   * The turn hands the conversation to a human: a handover with this id is opened in the same
   * store call (one already open is kept), and the conversation's `handover` flag set. Its
   * `events` (`handover.requested`) are stored only when this turn opens it.
   */
  handover?: { id: string; source: HandoverSource; events?: WebhookEvent[] };
  /** Webhook events the turn causes (`form.submitted`): stored with it, once (webhook-store.ts). */
  events?: WebhookEvent[];
  now?: Date;
}

export interface AppendResult {
  message: ChatMessage;
  /** False when `clientId` was seen before in this conversation: the stored message is returned. */
  created: boolean;
}

/** A value a bot form collected, kept apart from message text. */
export interface CollectedValue {
  key: string;
  value: string;
  pii: PiiTag;
  createdAt: Date;
}

/** What a retention sweep removes; every field is optional and means "no limit" when absent. */
export interface RetentionPolicy {
  botId: string;
  /** Messages older than this many ms are deleted. */
  messageTtlMs?: number;
  /** Collected values older than this many ms are deleted. */
  valueTtlMs?: number;
  /** Conversations with no activity for this many ms are archived (or deleted). */
  inactiveAfterMs?: number;
  /** Archive inactive conversations out of the live store instead of deleting them. */
  archive?: boolean;
  /** Archived conversations are deleted, whole, this many ms after they were archived. */
  archiveTtlMs?: number;
}

export interface SweepResult {
  messagesDeleted: number;
  valuesDeleted: number;
  conversationsArchived: number;
  conversationsDeleted: number;
  /** Archived conversations past the archive's own retention, deleted with their messages and values. */
  archivedConversationsDeleted: number;
  /**
   * Handover notes older than the message TTL, live or archived, plus ended handovers whose
   * resolution note or rating comment it forgot (their text follows the message TTL too).
   */
  handoverTextsDeleted: number;
}

/**
 * What the console's conversation browser asks for: metadata only (bot, start, language, what the
 * turns reached, handovers), never text. Live conversations, newest first (start, then id).
 */
export interface ConversationQuery {
  bots: 'all' | string[];
  /** Started at or after. */
  from?: Date;
  /** Started before. */
  to?: Date;
  locale?: string;
  /** One of its turns had this outcome. */
  outcome?: MessageOutcome;
  /** One of its turns reached this intent. */
  intent?: string;
  /** A handover was opened for it. */
  handedOver?: true;
  /** A handover of it was rated. */
  rated?: true;
  /** The next page: conversations after this one in the order (started earlier, or at the same instant with a smaller id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

/** Whose a conversation is: a deletion naming an owner removes nothing of anyone else's. */
export interface ConversationOwner {
  botId: string;
  visitorId: string;
}

/**
 * The conversation store, with the console's (console-store.ts), the live handover's
 * (handover-store.ts), data protection's (data-protection-store.ts), the reports' day tallies
 * (report-store.ts) and webhooks' targets and outbox (webhook-store.ts) in the same database.
 */
export interface Store extends ConsoleStore, HandoverStore, DataProtectionStore, ReportStore, WebhookStore {
  /** Which adapter this is, for /healthz and logs. */
  readonly kind: 'sqlite' | 'mongodb';
  createConversation(input: NewConversation): Promise<Conversation>;
  /** Null for unknown, deleted and archived conversations alike. */
  getConversation(id: string): Promise<Conversation | null>;
  /** `subject` is set only on a conversation that has none: once signed in to, a conversation stays that person's. */
  updateConversation(
    id: string,
    patch: { state?: Record<string, unknown>; handover?: boolean; lastActivityAt?: Date; subject?: string },
  ): Promise<void>;
  /** Idempotent on (conversationId, clientId) when clientId is not null. Ids are 1, 2, 3… per conversation. */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /**
   * `appendMessage` that also records a pending turn for the new message in the same write (none
   * for a repeated clientId: the first request recorded it).
   */
  appendVisitorMessage(input: NewMessage & { turn: TurnRequest }): Promise<AppendResult>;
  /** The conversation's oldest turn not yet done, or null. */
  nextTurn(conversationId: string): Promise<PendingTurn | null>;
  /** Conversations with a turn not yet done, those waiting longest first, at most `limit`. */
  conversationsWithPendingTurns(limit: number): Promise<string[]>;
  /**
   * Stores the replies, values, new dialog state and the handover it opens (`outcome.handover`),
   * and marks the turn done, all at once. For a turn already done it changes nothing and returns
   * the replies stored the first time, so a turn that is run again after a crash never answers or
   * opens a handover twice. [] when the conversation is gone.
   */
  completeTurn(conversationId: string, messageId: number, outcome: TurnOutcome): Promise<ChatMessage[]>;
  /**
   * What each visitor message of the conversation whose turn completed did (its TurnMeta), by
   * message id, ascending. A message deleted (message TTL, storage off) takes its metadata along.
   */
  listTurnMeta(conversationId: string): Promise<StoredTurnMeta[]>;
  /** Live conversations matching every filter given, newest first, at most `limit` (see ConversationQuery). */
  browseConversations(query: ConversationQuery): Promise<ConversationMeta[]>;
  /**
   * Takes (or renews) the lease `name` for `owner` until `untilMs`; false while another owner's
   * lease has not yet passed `nowMs`. What runs one at a time across every instance that shares the
   * store takes one: a conversation's turns (`turns:<id>`), the retention sweep. Lease times are
   * wall-clock ms, so instances' clocks must agree to well within a lease's length.
   */
  lease(name: string, owner: string, nowMs: number, untilMs: number): Promise<boolean>;
  /** Gives the lease back early (only `owner`'s own). */
  release(name: string, owner: string): Promise<void>;
  /** Messages with id > after, ascending, at most `limit`. */
  listMessages(conversationId: string, after: number, limit: number): Promise<ChatMessage[]>;
  putValue(conversationId: string, value: Omit<CollectedValue, 'createdAt'> & { now?: Date }): Promise<void>;
  listValues(conversationId: string): Promise<CollectedValue[]>;
  /**
   * Erasure: removes the conversation, live or archived, with its messages, values, handovers and
   * their notes. The one function every deletion goes through (the visitor's, an administrator's
   * subject request, the CLI). With `owner`, only a conversation of that bot and visitor is removed.
   * Returns false when nothing was removed. Once it resolves, the removed text is in no file or
   * collection the store keeps.
   */
  deleteConversation(id: string, owner?: ConversationOwner): Promise<boolean>;
  /**
   * Removes a live conversation's messages and values but keeps the conversation, so its ids keep
   * counting (a bot that stores no conversations forgets each exchange this way). A message whose
   * bot turn is still pending is kept until that turn is done. Handover records stay (metadata:
   * states, times, operator, codes, rating score); their text goes: resolution notes, rating
   * comments and the notes of closed handovers. An open handover's notes stay while an operator
   * works on it; clearing again once it has closed (and once it is rated) forgets them.
   */
  clearConversation(id: string): Promise<void>;
  /**
   * Applies one bot's retention policy as of `now`, in bounded steps that leave the event loop free
   * between them.
   */
  sweep(policy: RetentionPolicy, now: Date): Promise<SweepResult>;
  /** Cheap readiness probe for /readyz. */
  ping(): Promise<boolean>;
  /**
   * The same for the key store of encryption at rest, which lives apart from the data (its own
   * file, or its own database, maybe on another server): only the sealed store, the one the server
   * runs, has one.
   */
  keysReady?(): Promise<boolean>;
  close(): Promise<void>;
}
