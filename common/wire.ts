// The wire contract shared by the browser (loader, frame) and the server. No type here is written
// twice anywhere else: both sides import this module.
import type { z } from 'zod';
import type * as schemas from './wire-schemas.ts';

/**
 * Who wrote a message. `system` marks notices such as a handover; `operator` is a human answering
 * through the console during a handover (common/handover-wire.ts).
 */
export const SENDERS = ['visitor', 'bot', 'operator', 'system'] as const;
export type Sender = (typeof SENDERS)[number];

// The answers' types are inferred from their zod schemas (wire-schemas.ts), which the OpenAPI
// document is built from too: the two cannot drift. Type-only imports: no zod in the frame.
/** What a `system` message announces, so the frame can render it (and offer the rating after `operator-left`) without parsing text. */
export type Notice = z.infer<typeof schemas.notice>;
/** A button the visitor can press instead of typing; `action` is sent back verbatim. */
export type QuickReply = z.infer<typeof schemas.quickReply>;
/** A link under a bot message. Only http:, https: and mailto: URLs are ever rendered. */
export type Link = z.infer<typeof schemas.link>;
export type ChatMessage = z.infer<typeof schemas.chatMessage>;
/** What pusher-js in the frame needs to reach whichever realtime server is configured. */
export type RealtimeClientConfig = z.infer<typeof schemas.realtimeClientConfig>;

// The requests' types are what a client sends to their zod schemas (z.input: before defaults and
// transforms), which the routes validate with: one home, no hand-written copy.
export type SessionRequest = z.input<typeof schemas.sessionRequest>;

export type SessionResponse = z.infer<typeof schemas.sessionResponse>;

/** The most messages a session answer carries (a renewal carries them too, so it stays small). */
export const SESSION_MESSAGES = 100;

export type SendRequest = z.input<typeof schemas.sendRequest>;

export type SendResponse = z.infer<typeof schemas.sendResponse>;
export type HistoryResponse = z.infer<typeof schemas.historyResponse>;

/** Channel event names. */
export const EVENT_MESSAGE = 'message';
export const EVENT_TYPING = 'typing';

export interface TypingEvent {
  typing: boolean;
  /** Who types on the visitor's channel: the bot working on a turn (absent = bot), or the operator. */
  who?: 'bot' | 'operator';
}

/**
 * POST /api/v1/typing (visitor token) → 204: the visitor is typing, told to the operator who
 * holds the conversation; ignored (204) when no one does. Rate limited like messages. The
 * operator's POST /api/v1/console/handovers/:id/typing takes the same body.
 */
export type TypingRequest = z.input<typeof schemas.typingRequest>;

/** pusher-js's channel-auth request: a form on the visitor's route, JSON on the console's. */
export type ChannelAuthRequest = z.input<typeof schemas.channelAuthRequest>;

/**
 * POST /api/v1/rating (visitor token) → 201: rates the conversation's latest resolved handover
 * (once; 409 `nothing_to_rate` when there is none or it is rated). `score` 1 to 5, `comment` at most 1,000 characters.
 */
export type RatingRequest = z.input<typeof schemas.ratingRequest>;

export interface ApiError {
  error: { code: string; message: string };
}

/** Limits the server enforces and the frame respects before sending. */
export const MAX_TEXT_LENGTH = 4000;
export const MAX_CLIENT_ID_LENGTH = 64;

/**
 * The one realtime channel of a conversation. Sealed between the Parley server and the browser: the relay sees ciphertext only.
 */
export function conversationChannel(conversationId: string): string {
  return `private-encrypted-chat-${conversationId}`;
}
