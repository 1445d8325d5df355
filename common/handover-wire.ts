// The live handover's wire contract (issue 14), shared by the console app, the frame and the
// server. The console routes below sit behind the console's session, CSRF and role middleware like
// every other console route (common/console-wire.ts); `handover.work` and `handover.reassign` are
// the actions of server/accounts/roles.ts they ask for, always with the handover's bot.
//
//   GET    /api/v1/console/handovers                ?state=waiting|assigned|mine|resolved&bot=<id>&limit
//                                                   → 200 HandoverList  (their bots only)
//   GET    /api/v1/console/handovers/:id            → 200 HandoverDetail (transcript masked; audited as a view)
//   POST   /api/v1/console/handovers/:id/take       → 200 HandoverView · 409 already_taken (someone else won)
//   POST   /api/v1/console/handovers/:id/reassign   ReassignRequest → 200 HandoverView  (handover.reassign)
//   POST   /api/v1/console/handovers/:id/resolve    ResolveRequest → 200 HandoverView
//   POST   /api/v1/console/handovers/:id/messages   OperatorMessageRequest → 201 { message: ChatMessage }
//   POST   /api/v1/console/handovers/:id/notes      NoteRequest → 201 { note: HandoverNoteView }
//   POST   /api/v1/console/handovers/:id/typing     { typing: boolean } → 204
//   POST   /api/v1/console/handovers/:id/reveal     RevealRequest → 200 RevealedValues (audited with the reason)
//   GET    /api/v1/console/bots/:bot/canned-replies → 200 { replies: CannedReply[] }
//   PUT    /api/v1/console/presence                 PresenceRequest → 200 PresenceView (heartbeat; online while renewed)
//   GET    /api/v1/console/realtime                 → 200 RealtimeClientConfig (common/wire.ts): the relay, and the auth endpoint below
//   POST   /api/v1/console/realtime/auth            { socket_id, channel_name } (JSON, with the CSRF token) → 200 { auth, shared_secret }
//                                                   for the channels below; 403 forbidden_channel otherwise
//
// Posting, noting, typing or resolving on a handover the caller does not hold (or one resolved,
// abandoned or deleted, or of another bot): 403 `not_holder` with nothing stored or published.
// Supervisors and administrators may resolve any handover of their bots.
// The types are inferred from the zod schemas (handover-wire-schemas.ts) the server validates
// requests with and the OpenAPI document (/api/v1/openapi.json) is built from.
import type { z } from 'zod';
import type * as schemas from './handover-wire-schemas.ts';
import type { RealtimeClientConfig } from './wire.ts';

/** waiting → assigned → resolved; or abandoned (visitor gone, or waited past the bot's limit). */
export const HANDOVER_STATES = ['waiting', 'assigned', 'resolved', 'abandoned'] as const;
export type HandoverState = (typeof HANDOVER_STATES)[number];

/** What started it: a handover intent, the offer after repeated fallbacks, a quick reply, or a message left while no one was there. */
export const HANDOVER_SOURCES = ['intent', 'fallback', 'button', 'message'] as const;
export type HandoverSource = (typeof HANDOVER_SOURCES)[number];

export type HandoverView = z.infer<typeof schemas.handoverView>;

export type HandoverList = z.infer<typeof schemas.handoverList>;

/** Console users a handover may be reassigned to: serving its bot with handover.work. */
export type AssignableOperator = z.infer<typeof schemas.assignableOperator>;

export const RESOLUTION_CODES = ['answered', 'follow-up', 'no-response', 'spam', 'other'] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export type HandoverNoteView = z.infer<typeof schemas.handoverNoteView>;

export type HandoverDetail = z.infer<typeof schemas.handoverDetail>;

/** GET /api/v1/console/realtime: where the console's pusher-js connects (the visitor's settings, the console's auth route). */
export type ConsoleRealtimeConfig = RealtimeClientConfig;

// Requests as a client sends them (z.input of the schemas the routes validate with).
export type HandoverListQueryParams = z.input<typeof schemas.handoverListQuery>;
export type ReassignRequest = z.input<typeof schemas.reassignRequest>;

export type ResolveRequest = z.input<typeof schemas.resolveRequest>;

export type OperatorMessageRequest = z.input<typeof schemas.operatorMessageRequest>;

export type NoteRequest = z.input<typeof schemas.noteRequest>;

export type RevealRequest = z.input<typeof schemas.revealRequest>;

export type RevealedValues = z.infer<typeof schemas.revealedValues>;

export type CannedReply = z.infer<typeof schemas.cannedReply>;

export type PresenceRequest = z.input<typeof schemas.presenceRequest>;

export type PresenceView = z.infer<typeof schemas.presenceView>;

/** Events on the console's channels (sealed like the visitor's: the relay reads nothing). */
export const EVENT_HANDOVER = 'handover'; // data: HandoverView (queue and conversation channels)
export const EVENT_CONSOLE_MESSAGE = 'message'; // data: ChatMessage, masked (conversation channel; queue channel while the handover waits)
export const EVENT_CONSOLE_TYPING = 'typing'; // data: { typing: boolean } (conversation channel: the visitor types)
export const EVENT_HANDOVER_DELETED = 'handover-deleted'; // data: HandoverDeleted (queue and conversation channels)

/** The visitor deleted the conversation of an open handover: both went, and nothing more of it will come. */
export interface HandoverDeleted {
  id: string;
  conversationId: string;
  botId: string;
}

/** A bot's handover queue: every change of its handovers, and the messages of those waiting. Signed for those with handover.work on the bot. */
export function queueChannel(botId: string): string {
  return `private-encrypted-console-queue-${botId}`;
}

/** One conversation, for the console: its messages and the visitor's typing. Signed for its holder and for supervisors/administrators of its bot. */
export function consoleConversationChannel(conversationId: string): string {
  return `private-encrypted-console-conversation-${conversationId}`;
}
