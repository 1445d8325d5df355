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
import type { ChatMessage, RealtimeClientConfig } from './wire.ts';

/** waiting → assigned → resolved; or abandoned (visitor gone, or waited past the bot's limit). */
export const HANDOVER_STATES = ['waiting', 'assigned', 'resolved', 'abandoned'] as const;
export type HandoverState = (typeof HANDOVER_STATES)[number];

/** What started it: a handover intent, the offer after repeated fallbacks, a quick reply, or a message left while no one was there. */
export const HANDOVER_SOURCES = ['intent', 'fallback', 'button', 'message'] as const;
export type HandoverSource = (typeof HANDOVER_SOURCES)[number];

export interface HandoverView {
  id: string;
  conversationId: string;
  botId: string;
  state: HandoverState;
  source: HandoverSource;
  /** The host page's origin the conversation came from. */
  origin: string;
  /** ISO-8601. */
  startedAt: string;
  assignee: { id: string; displayName: string } | null;
  assignedAt: string | null;
  /** When the assignee first answered; first-response time = this − startedAt. */
  firstResponseAt: string | null;
  endedAt: string | null;
  resolution: ResolutionCode | null;
  rating: { score: number; comment: string | null } | null;
}

export interface HandoverList {
  handovers: HandoverView[];
  /** The bots whose queues the caller may watch (handover.work): for administrators every bot, which the console cannot know otherwise. */
  bots: string[];
}

/** Console users a handover may be reassigned to: serving its bot with handover.work. */
export interface AssignableOperator {
  id: string;
  displayName: string;
  /** Online (presence renewed) right now. */
  available: boolean;
}

export const RESOLUTION_CODES = ['answered', 'follow-up', 'no-response', 'spam', 'other'] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export interface HandoverNoteView {
  id: string;
  author: { id: string; displayName: string };
  text: string;
  createdAt: string;
}

export interface HandoverDetail {
  handover: HandoverView;
  /** The conversation so far, personal values masked (form values and what the detectors find). */
  messages: ChatMessage[];
  /** Internal notes: never sent to the visitor. */
  notes: HandoverNoteView[];
  /** Whether the caller's role may reveal personal values (POST …/reveal). */
  mayReveal: boolean;
  /** For callers with handover.reassign: whom it may go to. */
  assignable?: AssignableOperator[];
}

/** GET /api/v1/console/realtime: where the console's pusher-js connects (the visitor's settings, the console's auth route). */
export type ConsoleRealtimeConfig = RealtimeClientConfig;

export interface ReassignRequest {
  /** A console user serving the handover's bot with handover.work. */
  operatorId: string;
}

export interface ResolveRequest {
  code: ResolutionCode;
  /** Internal, at most 2,000 characters; never sent to the visitor. */
  note?: string;
}

export interface OperatorMessageRequest {
  /** Idempotency key, as for visitor messages. */
  clientId: string;
  text: string;
}

export interface NoteRequest {
  text: string;
}

export interface RevealRequest {
  /** Why, recorded in the audit log; 5 to 500 characters. */
  reason: string;
}

export interface RevealedValues {
  /** The transcript unmasked, and the values forms collected. */
  messages: ChatMessage[];
  values: Array<{ key: string; value: string; pii: string }>;
}

export interface CannedReply {
  id: string;
  label: string;
  text: string;
}

export interface PresenceRequest {
  /** False: signed in but not taking conversations. */
  available: boolean;
}

export interface PresenceView {
  available: boolean;
  /** Renew before this (ISO-8601), or count as offline. */
  expiresAt: string;
}

/** Events on the console's channels (sealed like the visitor's: the relay reads nothing). */
export const EVENT_HANDOVER = 'handover'; // data: HandoverView (queue and conversation channels)
export const EVENT_CONSOLE_MESSAGE = 'message'; // data: ChatMessage (conversation channel, masked)
export const EVENT_CONSOLE_TYPING = 'typing'; // data: { typing: boolean } (conversation channel: the visitor types)

/** A bot's handover queue: every change of its handovers. Signed for those with handover.work on the bot. */
export function queueChannel(botId: string): string {
  return `private-encrypted-console-queue-${botId}`;
}

/** One conversation, for the console: its messages and the visitor's typing. Signed for its holder and for supervisors/administrators of its bot. */
export function consoleConversationChannel(conversationId: string): string {
  return `private-encrypted-console-conversation-${conversationId}`;
}
