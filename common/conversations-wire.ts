// The conversation browser's wire contract (issue 15), shared by the console app and the server.
// Behind the console's session, CSRF and role middleware like every console route; the actions
// are server/accounts/roles.ts's, always with the conversation's bot.
//
//   GET  /api/v1/console/conversations/filters   → 200 BrowseFilters            (conversations.browse: their bots)
//   GET  /api/v1/console/conversations           ?bot&from&to&locale&outcome&intent&before&limit
//                                                → 200 ConversationPage           (conversations.browse: their bots)
//   GET  /api/v1/console/conversations/:id       → 200 ConversationDetail  (masked; audited conversation.view)
//   POST /api/v1/console/conversations/:id/reveal  RevealRequest → 200 RevealedValues
//                                                (personal-data.reveal on its bot; audited conversation.reveal with the reason)
//
// Operators never browse: 403 forbidden on every route. A conversation that is unknown, archived,
// deleted or of a bot the caller does not browse is one answer, 404 not_found. Filters read
// metadata only (never message text), so searching keeps no text anywhere outside the store.
import type { ChatMessage } from './wire.ts';
import type { HandoverView } from './handover-wire.ts';
import type { MessageOutcome } from './turn-outcomes.ts';

export type { RevealRequest, RevealedValues } from './handover-wire.ts';

/**
 * What the outcome filter offers: a conversation the bot answered, fell back in, refused in or had
 * no human for (an outcome one of its turns had), one handed over (a handover was opened), or one
 * whose handover the visitor rated.
 */
export const BROWSE_OUTCOMES = ['answered', 'fallback', 'refused', 'offline', 'handed-over', 'rated'] as const;
export type BrowseOutcome = (typeof BROWSE_OUTCOMES)[number];

/** The query of GET /conversations; every field optional. */
export interface ConversationQueryParams {
  bot?: string;
  /** ISO-8601 instants: started at or after `from`, before `to`. */
  from?: string;
  to?: string;
  locale?: string;
  outcome?: BrowseOutcome;
  /** An intent one of its turns reached, by name. */
  intent?: string;
  /** ConversationPage.next of the page before. */
  before?: string;
  /** 1 to 200; 50 unless given. */
  limit?: string;
}

export interface ConversationSummary {
  id: string;
  botId: string;
  /** ISO-8601. */
  startedAt: string;
  lastActivityAt: string;
  /** The language it was last answered in; null for conversations from before it was kept. */
  locale: string | null;
  /** Every intent its turns reached and every outcome they had, each once. */
  intents: string[];
  outcomes: MessageOutcome[];
  handedOver: boolean;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  /** Pass as `before` for the next (older) page; null on the last one. */
  next: string | null;
}

export interface ConversationDetail {
  conversation: ConversationSummary;
  /** The transcript, personal values masked (form values by their tag, and what the detectors find). */
  messages: ChatMessage[];
  /** What each visitor message's turn did, by message id. */
  turns: Array<{ messageId: number; outcome: MessageOutcome; intent: string | null }>;
  /** Its latest handover, if it had one. */
  handover: HandoverView | null;
  /** Whether the caller may reveal the personal values (POST …/reveal). */
  mayReveal: boolean;
}

/** What the filters may be set to, for the bots the caller browses. */
export interface BrowseFilters {
  bots: Array<{ id: string; name: string; locales: string[]; intents: string[] }>;
}
