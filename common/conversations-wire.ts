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
// The types are inferred from the zod schemas (conversations-wire-schemas.ts) the server validates
// the query with and the OpenAPI document (/api/v1/openapi.json) is built from.
import type { z } from 'zod';
import type * as schemas from './conversations-wire-schemas.ts';

export type { RevealRequest, RevealedValues } from './handover-wire.ts';

/**
 * What the outcome filter offers: a conversation the bot answered, fell back in, refused in or had
 * no human for (an outcome one of its turns had), one handed over (a handover was opened), or one
 * whose handover the visitor rated.
 */
export const BROWSE_OUTCOMES = ['answered', 'fallback', 'refused', 'offline', 'handed-over', 'rated'] as const;
export type BrowseOutcome = (typeof BROWSE_OUTCOMES)[number];

/** The query of GET /conversations as a client writes it; every field optional. */
export type ConversationQueryParams = z.input<typeof schemas.conversationListQuery>;

export type ConversationSummary = z.infer<typeof schemas.conversationSummary>;
export type ConversationPage = z.infer<typeof schemas.conversationPage>;
export type ConversationDetail = z.infer<typeof schemas.conversationDetail>;
/** What the filters may be set to, for the bots the caller browses. */
export type BrowseFilters = z.infer<typeof schemas.browseFilters>;
