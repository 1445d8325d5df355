// The visitor API's answers as zod schemas: the one source of the TypeScript types (wire.ts infers
// them) and of the OpenAPI document (server/http/api/). Apart from wire.ts so that the chat frame,
// which imports wire.ts's constants, never bundles zod.
import { z } from 'zod';
import { SENDERS, SESSION_MESSAGES } from './wire.ts';

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
