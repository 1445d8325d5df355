// The bot engine interface the server talks to. The server never knows what a particular bot says;
// it hands the engine a turn and stores and publishes what comes back.
import type { Link, QuickReply } from '../../common/wire.ts';
import type { CannedReply, HandoverSource } from '../../common/handover-wire.ts';
import type { BotDataSettings } from '../../common/data-protection-wire.ts';
import type { BotOutcome } from '../../common/turn-outcomes.ts';

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
  /** The names of its intents: what the console's conversation filter offers (never their texts). */
  intents: string[];
  policy: BotPolicy;
  /** Live handover to human operators (issue 14); absent when the bot hands over to no one. */
  handover?: HandoverSettings;
}

/** A bot's live-handover settings, from the `handover` block of its definition. */
export interface HandoverSettings {
  /** A visitor waiting longer than this (ms) is told no one could come, and the handover is abandoned. */
  waitLimitMs: number;
  /** When operators work; absent = always. */
  businessHours?: BusinessHours;
  /** Replies operators can insert with one click, per locale (the default locale's when one is missing). */
  cannedReplies: Record<string, CannedReply[]>;
  /** The wording of the system notices, per locale, with `{name}` for the operator's display name. */
  joined: Record<string, string>;
  left: Record<string, string>;
  /** What the visitor is told, per locale, when the wait limit passed and no one took the conversation. */
  unanswered: Record<string, string>;
}

/** Weekly opening hours in one time zone, and whole days closed. */
export interface BusinessHours {
  /** IANA zone, e.g. `Europe/Oslo`. */
  timeZone: string;
  /** Per ISO weekday (1 = Monday … 7 = Sunday), open intervals as `HH:MM` local times, start < end. */
  weekly: Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, Array<[string, string]>>>;
  /** Local dates `YYYY-MM-DD` closed all day. */
  holidays: string[];
}

/**
 * Whether a human could take a handover now, as the server sees it (operators' presence, business
 * hours): the engine only words the answer. `open` unless told otherwise.
 */
export type Staffing = 'open' | 'no-operator' | 'closed';

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
  /** How a handover asked for in this turn would go; the server computes it for bots with handover settings. */
  staffing?: Staffing;
}

export type VisitorInput = { text: string } | { action: string };

/** What a new conversation opens with: no visitor message, so no outcome. */
export interface BotGreeting {
  replies: BotReply[];
  state: Record<string, unknown>;
}

export interface BotTurn extends BotGreeting {
  /** What the turn did (common/turn-outcomes.ts): metadata the store keeps with the visitor's message. */
  outcome: BotOutcome;
  /**
   * The intent reached, by name: with `answered`, and with `handover` or `offline` when a handover
   * intent was reached. Never set for a fallback, a refusal or a form answer.
   */
  intent?: string;
  /**
   * With a fallback on typed text: the intent the classifier ranked first when it scored at least
   * half the bot's threshold but was not sure enough (below the threshold, or too close to the
   * runner-up): a near miss, most likely what the visitor meant. The reports count fallbacks by it
   * ("top fallbacks"), never by text. Absent when nothing came that near.
   */
  nearest?: string;
  collected?: CollectedSlot[];
  /**
   * Set when this turn hands the conversation to a human: the visitor reached a handover intent,
   * accepted the offer after repeated fallbacks, pressed a handover quick reply, or (staffing not
   * open) finished leaving a message, which then waits in the queue.
   */
  handover?: { source: HandoverSource };
}

export interface BotEngine {
  profile(botId: string): BotProfile | undefined;
  /** Every loaded bot, for work that spans bots (retention sweeps). */
  profiles(): BotProfile[];
  /** The bot's data-protection settings in force: its definition file's, until others are applied. */
  settings(botId: string): BotDataSettings | undefined;
  /**
   * Checks `input` as the bot's data-protection settings against its definition file, with the
   * file's own schema (settings.ts), and returns them as they would be kept; a BotSettingsError
   * names the field refused. Changes nothing.
   */
  checkSettings(botId: string, input: unknown): BotDataSettings;
  /** Puts checked settings in force: profile() and profiles() answer with them from now on. */
  applySettings(botId: string, settings: BotDataSettings): void;
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
  greet(ctx: TurnContext): Promise<BotGreeting>;
  reply(ctx: TurnContext, input: VisitorInput): Promise<BotTurn>;
}
