// The conversation browser's query and answers (conversations-wire.ts) as zod schemas: the one
// source of their TypeScript types, of the server's validation and of the OpenAPI document. Apart
// from conversations-wire.ts so no browser bundle needs zod for a constant.
import { z } from 'zod';
import { MESSAGE_OUTCOMES } from './turn-outcomes.ts';
import { BROWSE_OUTCOMES } from './conversations-wire.ts';
import { botId, chatMessage, isoInstant } from './wire-schemas.ts';
import { handoverView } from './handover-wire-schemas.ts';
import { queryCount } from './console-wire-schemas.ts';

const messageOutcome = z.enum(MESSAGE_OUTCOMES).meta({ id: 'MessageOutcome' });

export const conversationSummary = z
  .object({
    id: z.string(),
    botId: z.string(),
    startedAt: isoInstant,
    lastActivityAt: isoInstant,
    /** The language it was last answered in; null for conversations from before it was kept. */
    locale: z.string().nullable(),
    /** Every intent its turns reached and every outcome they had, each once. */
    intents: z.array(z.string()),
    outcomes: z.array(messageOutcome),
    handedOver: z.boolean(),
  })
  .meta({ id: 'ConversationSummary' });

export const conversationPage = z.object({
  conversations: z.array(conversationSummary),
  /** Pass as `before` for the next (older) page; null on the last one. */
  next: z.string().nullable(),
});

export const conversationDetail = z.object({
  conversation: conversationSummary,
  /** The transcript, personal values masked (form values by their tag, and what the detectors find). */
  messages: z.array(chatMessage),
  /** What each visitor message's turn did, by message id. */
  turns: z.array(z.object({ messageId: z.number().int(), outcome: messageOutcome, intent: z.string().nullable() })),
  /** Its latest handover, if it had one. */
  handover: handoverView.nullable(),
  /** Whether the caller may reveal the personal values (POST …/reveal). */
  mayReveal: z.boolean(),
});

/** What the filters may be set to, for the bots the caller browses. */
export const browseFilters = z.object({
  bots: z.array(z.object({ id: z.string(), name: z.string(), locales: z.array(z.string()), intents: z.array(z.string()) })),
});

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** The query of GET /conversations. `before` is the opaque cursor of the page before (conversation-list.ts reads it). */
export const conversationListQuery = z.strictObject({
  bot: botId.optional(),
  /** ISO-8601 instants: started at or after `from`, before `to`. */
  from: instant.optional(),
  to: instant.optional(),
  locale: z.string().regex(/^[a-z]{2,3}$/, 'expected a language such as en, nb or es').optional(),
  outcome: z.enum(BROWSE_OUTCOMES).optional(),
  /** An intent one of its turns reached, by name. */
  intent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected an intent name').optional(),
  /** ConversationPage.next of the page before. */
  before: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'expected the next page of an earlier answer').optional(),
  /** 1 to 200; 50 unless given. */
  limit: queryCount(200).refine((n) => n >= 1, 'at least 1').default(50),
});
export type ConversationListQuery = z.output<typeof conversationListQuery>;
