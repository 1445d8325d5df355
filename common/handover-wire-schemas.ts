// The live handover's requests and answers (handover-wire.ts) as zod schemas: the one source of
// their TypeScript types, of the server's validation and of the OpenAPI document. Apart from
// handover-wire.ts so no browser bundle needs zod for a constant.
import { z } from 'zod';
import { HANDOVER_SOURCES, HANDOVER_STATES, RESOLUTION_CODES } from './handover-wire.ts';
import { botId, chatMessage, clientId, isoInstant, localeTag, messageText, nonBlankText } from './wire-schemas.ts';
import { printable, queryCount, userIdParam } from './console-wire-schemas.ts';

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

// Requests (strict: an unknown field is a 400 and changes nothing).
/** The query of GET /handovers: `resolved` lists the closed ones (resolved or abandoned); `mine`, those the caller holds. */
export const handoverListQuery = z.strictObject({
  state: z.enum(['waiting', 'assigned', 'mine', 'resolved']).optional(),
  bot: botId.optional(),
  limit: queryCount(200).refine((n) => n >= 1, 'at least 1').default(50),
});
/** `operatorId`: a console user serving the handover's bot with handover.work. */
export const reassignRequest = z.strictObject({ operatorId: userIdParam });
export const resolveRequest = z.strictObject({
  code: z.enum(RESOLUTION_CODES),
  /** Internal, at most 2,000 characters; never sent to the visitor. Left out when there is none: a blank one is refused, as for notes. */
  note: nonBlankText(2000).optional(),
});
/** `clientId`: the idempotency key, as for visitor messages. */
export const operatorMessageRequest = z.strictObject({ clientId, text: messageText });
export const noteRequest = z.strictObject({ text: nonBlankText(2000) });
export const revealRequest = z.strictObject({
  /** Why, recorded in the audit log; 5 to 500 characters. */
  reason: z.string().trim().min(5, 'at least 5 characters').max(500, 'at most 500 characters').refine(printable, 'control characters are not allowed'),
});
/** `available` false: signed in but not taking conversations. */
export const presenceRequest = z.strictObject({ available: z.boolean() });
export const cannedRepliesQuery = z.strictObject({ locale: localeTag.optional() });

export type HandoverListQuery = z.output<typeof handoverListQuery>;
export type ReassignInput = z.output<typeof reassignRequest>;
export type ResolveInput = z.output<typeof resolveRequest>;
export type OperatorMessageInput = z.output<typeof operatorMessageRequest>;
export type NoteInput = z.output<typeof noteRequest>;
export type RevealInput = z.output<typeof revealRequest>;
export type PresenceInput = z.output<typeof presenceRequest>;
