// The bot engine interface the server talks to. The server never knows what a particular bot says;
// it hands the engine a turn and stores and publishes what comes back.
import type { Link, QuickReply } from '../../common/wire.ts';

/** What the site vouched for about the visitor; decides which intents they may reach. */
export type AccessLevel = 'public' | 'verified' | 'premium';

/** A valid identity: the person the site's backend vouched for, at what level, until when. */
export interface VisitorIdentity {
  sub: string;
  level: Exclude<AccessLevel, 'public'>;
  expiresAt: Date;
}

/** What the server needs to know about a bot, outside of the conversation itself. */
export interface BotProfile {
  id: string;
  /** Display name, shown as the chat's title. */
  name: string;
  enabled: boolean;
  /** Exact origins (`https://shop.example`) or port wildcards (`http://localhost:*`). */
  allowedOrigins: string[];
  locales: string[];
  defaultLocale: string;
  policy: BotPolicy;
}

/** Data-governance and abuse settings of a bot, with safe defaults filled in by the loader. */
export interface BotPolicy {
  /** When false the bot still answers but nothing of the conversation is kept. Default true. */
  storeConversations: boolean;
  /** Messages are deleted this long after they were written (ms). Default: none. */
  messageTtlMs?: number;
  /** Collected form values are deleted this long after they were collected (ms). Default: none. */
  valueTtlMs?: number;
  /** Conversations idle this long are archived, or deleted when `archive` is false. 1 day–1 year, default 90 days. */
  inactiveAfterMs: number;
  archive: boolean;
  /** Archived conversations are deleted this long after they were archived (ms). Default 1 year; absent: kept forever. */
  archiveTtlMs?: number;
  /** Visitor messages per conversation per minute. Default 15. */
  messagesPerMinute: number;
}

export interface BotReply {
  text: string;
  quickReplies?: QuickReply[];
  links?: Link[];
}

/** A value a form collected, to be stored apart from message text. */
export interface CollectedSlot {
  key: string;
  value: string;
  pii: 'none' | 'contact' | 'identity' | 'sensitive';
}

export interface TurnContext {
  botId: string;
  conversationId: string;
  locale: string;
  access: AccessLevel;
  /** The dialog state the engine returned last turn ({} on a new conversation). */
  state: Record<string, unknown>;
}

export type VisitorInput = { text: string } | { action: string };

export interface BotTurn {
  replies: BotReply[];
  state: Record<string, unknown>;
  collected?: CollectedSlot[];
  /** Set when the visitor asked for, or was offered and accepted, a human. */
  handover?: boolean;
}

export interface BotEngine {
  profile(botId: string): BotProfile | undefined;
  /** Every loaded bot, for work that spans bots (retention sweeps). */
  profiles(): BotProfile[];
  /**
   * The identity a visitor presents to this bot (signed by the site's backend with the bot's
   * secret), or null. Throws nothing: a missing, forged or expired identity is simply null, and
   * the visitor `public`.
   */
  verifyIdentity(botId: string, identity: string | undefined): Promise<VisitorIdentity | null>;
  /**
   * The PII class of the answer the dialog is waiting for (a form slot such as an e-mail), so the
   * server stores that message's text masked and keeps the value only apart from message text.
   */
  pendingPii(botId: string, state: Record<string, unknown>): CollectedSlot['pii'];
  /** Opening messages of a new conversation. */
  greet(ctx: TurnContext): Promise<BotTurn>;
  reply(ctx: TurnContext, input: VisitorInput): Promise<BotTurn>;
}
