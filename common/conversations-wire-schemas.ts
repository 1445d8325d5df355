// The conversation browser's answers (conversations-wire.ts) as zod schemas: the one source of their
// TypeScript types and of the OpenAPI document. Apart from conversations-wire.ts so no browser
// bundle needs zod for a constant.
import { z } from 'zod';
import { MESSAGE_OUTCOMES } from './turn-outcomes.ts';
import { chatMessage, isoInstant } from './wire-schemas.ts';
import { handoverView } from './handover-wire-schemas.ts';

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
