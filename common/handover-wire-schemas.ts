// The live handover's answers (handover-wire.ts) as zod schemas: the one source of their TypeScript
// types and of the OpenAPI document. Apart from handover-wire.ts so no browser bundle needs zod for
// a constant.
import { z } from 'zod';
import { HANDOVER_SOURCES, HANDOVER_STATES, RESOLUTION_CODES } from './handover-wire.ts';
import { chatMessage, isoInstant } from './wire-schemas.ts';

const person = z.object({ id: z.string(), displayName: z.string() });

export const handoverView = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    botId: z.string(),
    state: z.enum(HANDOVER_STATES),
    source: z.enum(HANDOVER_SOURCES),
    /** The host page's origin the conversation came from. */
    origin: z.string(),
    startedAt: isoInstant,
    assignee: person.nullable(),
    assignedAt: isoInstant.nullable(),
    /** When the assignee first answered; first-response time = this − startedAt. */
    firstResponseAt: isoInstant.nullable(),
    endedAt: isoInstant.nullable(),
    resolution: z.enum(RESOLUTION_CODES).nullable(),
    rating: z.object({ score: z.number().int(), comment: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'Handover' });

export const handoverList = z.object({
  handovers: z.array(handoverView),
  /** The bots whose queues the caller may watch (handover.work): for administrators every bot, which the console cannot know otherwise. */
  bots: z.array(z.string()),
});

/** Console users a handover may be reassigned to: serving its bot with handover.work. */
export const assignableOperator = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Online (presence renewed) right now. */
  available: z.boolean(),
});

export const handoverNoteView = z.object({ id: z.string(), author: person, text: z.string(), createdAt: isoInstant }).meta({ id: 'HandoverNote' });

export const handoverDetail = z.object({
  handover: handoverView,
  /** The conversation so far, personal values masked (form values and what the detectors find). */
  messages: z.array(chatMessage),
  /** Internal notes: never sent to the visitor. */
  notes: z.array(handoverNoteView),
  /** Whether the caller's role may reveal personal values (POST …/reveal). */
  mayReveal: z.boolean(),
  /** For callers with handover.reassign: whom it may go to. */
  assignable: z.array(assignableOperator).optional(),
});

export const piiTag = z.enum(['none', 'contact', 'identity', 'sensitive']).meta({ id: 'PiiTag' });

export const revealedValues = z
  .object({
    /** The transcript unmasked, and the values forms collected. */
    messages: z.array(chatMessage),
    values: z.array(z.object({ key: z.string(), value: z.string(), pii: piiTag })),
  })
  .meta({ id: 'RevealedValues' });

export const cannedReply = z.object({ id: z.string(), label: z.string(), text: z.string() });
export const cannedReplies = z.object({ replies: z.array(cannedReply) });

export const presenceView = z.object({
  available: z.boolean(),
  /** Renew before this (ISO-8601), or count as offline. */
  expiresAt: isoInstant,
});

export const operatorMessageResponse = z.object({ message: chatMessage });
export const noteResponse = z.object({ note: handoverNoteView });
