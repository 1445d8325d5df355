// The wire contract shared by the browser (loader, frame) and the server. No type here is written
// twice anywhere else: both sides import this module.

/**
 * Who wrote a message. `system` marks notices such as a handover; `operator` is a human answering
 * through the console during a handover (common/handover-wire.ts).
 */
export const SENDERS = ['visitor', 'bot', 'operator', 'system'] as const;
export type Sender = (typeof SENDERS)[number];

/**
 * What a `system` message announces, so the frame can render it (and offer the rating after
 * `operator-left`) without parsing text. The text is the bot's own wording in the conversation's
 * language, for anything that shows messages as plain text.
 */
export type Notice = { kind: 'operator-joined'; name: string } | { kind: 'operator-left'; name: string; rate: boolean };

/** A button the visitor can press instead of typing; `action` is sent back verbatim. */
export interface QuickReply {
  label: string;
  action: string;
}

/** A link under a bot message. Only http:, https: and mailto: URLs are ever rendered. */
export interface Link {
  label: string;
  url: string;
}

export interface ChatMessage {
  /** Monotonic within a conversation, starting at 1, so `after=<id>` has one meaning. */
  id: number;
  conversationId: string;
  /** The visitor's idempotency key; null for bot and system messages. */
  clientId: string | null;
  sender: Sender;
  text: string;
  /** The operator's display name (first name), on `operator` messages only; never an id or address. */
  author?: string;
  /** On `system` messages that announce something. */
  notice?: Notice;
  quickReplies?: QuickReply[];
  links?: Link[];
  /** ISO-8601, UTC. */
  createdAt: string;
}

/** What pusher-js in the frame needs to reach whichever realtime server is configured. */
export interface RealtimeClientConfig {
  key: string;
  wsHost: string;
  wsPort: number;
  wssPort: number;
  forceTLS: boolean;
  cluster: string;
  /** Absolute URL of POST /api/v1/realtime/auth. */
  authEndpoint: string;
}

export interface SessionRequest {
  bot: string;
  /** A token from an earlier page load, to resume its conversation. */
  resume?: string;
  /** Signed visitor identity from the site's backend (see the bot engine's `verified` level). */
  identity?: string;
  /** Preferred language, e.g. `en`, `nb`, `es`. */
  locale?: string;
  /** The host page's origin, as the loader saw it; checked against the bot's allowed origins. */
  origin?: string;
}

export interface SessionResponse {
  token: string;
  conversationId: string;
  channel: string;
  /** ISO-8601 expiry of `token`. */
  expiresAt: string;
  realtime: RealtimeClientConfig;
  /** True when the conversation already existed (a resume). */
  resumed: boolean;
  /** The bot's display name, for the chat's title. */
  botName: string;
  /**
   * The conversation's first messages (ids from 1, at most SESSION_MESSAGES): the greeting of a new
   * conversation, the start of a resumed one. It spares the frame a history round trip before it
   * shows anything; a full page means there may be more, fetched with GET /messages?after=.
   */
  messages: ChatMessage[];
}

/** The most messages a session answer carries (a renewal carries them too, so it stays small). */
export const SESSION_MESSAGES = 100;

export type SendRequest = { clientId: string; text: string } | { clientId: string; action: string };

export interface SendResponse {
  message: ChatMessage;
}

export interface HistoryResponse {
  messages: ChatMessage[];
}

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
 * holds the conversation; ignored (204) when no one does. Rate limited like messages.
 */
export interface VisitorTypingRequest {
  typing: boolean;
}

/**
 * POST /api/v1/rating (visitor token) → 201: rates the conversation's latest resolved handover
 * (once; 409 `nothing_to_rate` when there is none or it is rated).
 */
export interface RatingRequest {
  /** 1 to 5. */
  score: number;
  /** At most 1,000 characters. */
  comment?: string;
}

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
