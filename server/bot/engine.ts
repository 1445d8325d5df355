// The bot engine interface the server talks to. The server never knows what a particular bot says;
// it hands the engine a turn and stores and publishes what comes back.
import type { Link, QuickReply } from '../../common/wire.ts';

/** What the site vouched for about the visitor; decides which intents they may reach. */
export type AccessLevel = 'public' | 'verified' | 'premium';

/** What the server needs to know about a bot, outside of the conversation itself. */
export interface BotProfile {
  id: string;
  enabled: boolean;
  /** Exact origins (`https://shop.example`) or port wildcards (`http://localhost:*`). */
  allowedOrigins: string[];
  locales: string[];
  defaultLocale: string;
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
  /** Opening messages of a new conversation. */
  greet(ctx: TurnContext): Promise<BotTurn>;
  reply(ctx: TurnContext, input: VisitorInput): Promise<BotTurn>;
}
