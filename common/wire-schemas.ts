// The visitor API's requests and answers as zod schemas: the one source of the TypeScript types
// (wire.ts infers them), of the server's validation and of the OpenAPI document (server/http/api/).
// Apart from wire.ts so that the chat frame, which imports wire.ts's constants, never bundles zod.
import { z } from 'zod';
import { MAX_CLIENT_ID_LENGTH, MAX_TEXT_LENGTH, SENDERS, SESSION_MESSAGES } from './wire.ts';
import { BOT_ID_PATTERN, CHANNEL_NAME_PATTERN } from './ids.ts';

/** An instant as the server writes it: `Date.prototype.toISOString()`, UTC. */
export const isoInstant = z.iso.datetime();

export const notice = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('operator-joined'), name: z.string() }),
    z.object({ kind: z.literal('operator-left'), name: z.string(), rate: z.boolean() }),
  ])
  .meta({ id: 'Notice', description: 'What a `system` message announces, so a client can render it without parsing text.' });

export const quickReply = z.object({ label: z.string(), action: z.string() }).meta({ id: 'QuickReply', description: 'A button; `action` is sent back verbatim.' });

export const link = z.object({ label: z.string(), url: z.string() }).meta({ id: 'Link', description: 'Only http:, https: and mailto: URLs are ever rendered.' });

export const chatMessage = z
  .object({
    /** Monotonic within a conversation, starting at 1, so `after=<id>` has one meaning. */
    id: z.number().int().min(1),
    conversationId: z.string(),
    /** The visitor's idempotency key; null for bot and system messages. */
    clientId: z.string().nullable(),
    sender: z.enum(SENDERS),
    text: z.string(),
    /** The operator's display name (first name), on `operator` messages only; never an id or address. */
    author: z.string().optional(),
    /** On `system` messages that announce something. */
    notice: notice.optional(),
    quickReplies: z.array(quickReply).optional(),
    links: z.array(link).optional(),
    createdAt: isoInstant,
  })
  .meta({ id: 'ChatMessage' });

export const realtimeClientConfig = z
  .object({
    key: z.string(),
    wsHost: z.string(),
    wsPort: z.number().int(),
    wssPort: z.number().int(),
    forceTLS: z.boolean(),
    cluster: z.string(),
    /** Absolute URL of the channel-auth route. */
    authEndpoint: z.string(),
  })
  .meta({ id: 'RealtimeClientConfig', description: 'What pusher-js needs to reach whichever realtime server is configured.' });

export const sessionResponse = z
  .object({
    token: z.string(),
    conversationId: z.string(),
    channel: z.string(),
    /** ISO-8601 expiry of `token`. */
    expiresAt: isoInstant,
    realtime: realtimeClientConfig,
    /** True when the conversation already existed (a resume). */
    resumed: z.boolean(),
    /** The bot's display name, for the chat's title. */
    botName: z.string(),
    /**
     * The conversation's first messages (ids from 1, at most SESSION_MESSAGES): the greeting of a new
     * conversation, the start of a resumed one. It spares the frame a history round trip before it
     * shows anything; a full page means there may be more, fetched with GET /messages?after=.
     */
    messages: z.array(chatMessage).max(SESSION_MESSAGES),
  })
  .meta({ id: 'SessionResponse' });

export const sendResponse = z.object({ message: chatMessage });
export const historyResponse = z.object({ messages: z.array(chatMessage) });
export const ratingResponse = z.object({ rating: z.object({ score: z.number().int().min(1).max(5), comment: z.string().nullable() }) });

/** Pusher's channel authorization: the signature, and the encrypted channel's key. */
export const channelAuthorization = z.object({ auth: z.string(), shared_secret: z.string() }).meta({ id: 'ChannelAuthorization' });

export const liveness = z.object({ status: z.literal('ok') });
export const readiness = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.boolean()) });

// Requests. Strict objects: an unknown field (`role`, `senderType`, `$where`…) is a 400, and every
// value is a plain string of a known shape. Clients send z.input of these (wire.ts); the routes get z.output.
const wellFormed = (s: string) => s.isWellFormed();
/** C0 controls but tab, newline and carriage return, and DEL: nothing a person types. */
const noControlCharacters = (s: string) =>
  ![...s].some((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') || code === 0x7f;
  });
/** A bot's id, wherever a request names one. */
export const botId = z.string().regex(BOT_ID_PATTERN, 'expected a bot id');
const origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/, 'expected an origin such as https://shop.example');
export const clientId = z
  .string()
  .regex(new RegExp(`^[A-Za-z0-9_-]{1,${MAX_CLIENT_ID_LENGTH}}$`), `expected 1-${MAX_CLIENT_ID_LENGTH} letters, digits, _ or -`);
/** Free text of up to `max` characters that a person typed: line breaks allowed, other controls not. */
export const typedText = (max: number) =>
  z.string().max(max, `at most ${max} characters`).refine(wellFormed, 'not well-formed Unicode').refine(noControlCharacters, 'control characters are not allowed');
/** The same, with something in it besides white space. */
export const nonBlankText = (max: number) => typedText(max).refine((s) => s.trim().length > 0, 'must not be empty');
/** A message as a person writes it: the visitor's, and an operator's in a handover. */
export const messageText = nonBlankText(MAX_TEXT_LENGTH);

export const localeTag = z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/, 'expected a language tag such as en, nb or es-419');

export const sessionRequest = z.strictObject({
  bot: botId,
  /** The host page's origin, as the loader saw it; checked against the bot's allowed origins. */
  origin: origin.optional(),
  /** Preferred language, e.g. `en`, `nb`, `es`. */
  locale: localeTag.optional(),
  /** A token from an earlier page load, to resume its conversation. */
  resume: z.string().min(1).max(4096).optional(),
  /** Signed visitor identity from the site's backend (see the bot engine's `verified` level). */
  identity: z.string().min(1).max(4096).optional(),
});

export const sendRequest = z.union([
  z.strictObject({ clientId, text: messageText }),
  z.strictObject({ clientId, action: z.string().min(1).max(200).refine(wellFormed, 'not well-formed Unicode') }),
]);

export const historyQuery = z.strictObject({
  after: z.string().regex(/^\d{1,15}$/, 'expected a message id').default('0').transform(Number),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a number')
    .default('1000')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, 'expected 1 to 1000'),
});

/** Someone in a handover starts or stops typing (the visitor's POST /api/v1/typing, the operator's console route). */
export const typingRequest = z.strictObject({ typing: z.boolean() });

export const ratingRequest = z.strictObject({
  score: z.number().int('expected a whole number').min(1, 'expected 1 to 5').max(5, 'expected 1 to 5'),
  comment: typedText(1000).optional(),
});

/** pusher-js's form body; the shapes are Pusher's own limits (CVE fix of 2015, see SECURITY-NOTES V1). */
export const channelAuthRequest = z.strictObject({
  socket_id: z.string().regex(/^\d{1,20}\.\d{1,20}$/, 'expected a socket id'),
  channel_name: z.string().regex(CHANNEL_NAME_PATTERN, 'expected a channel name'),
});

export type SessionInput = z.output<typeof sessionRequest>;
export type SendInput = z.output<typeof sendRequest>;
export type RatingInput = z.output<typeof ratingRequest>;
