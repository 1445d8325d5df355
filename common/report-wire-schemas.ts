// The reports' queries and answer (report-wire.ts) as zod schemas: the one source of their
// TypeScript types, of the server's validation and of the OpenAPI document. Apart from
// report-wire.ts so no browser bundle needs zod for a constant.
import { z } from 'zod';
import { SENDERS } from './wire.ts';
import { isCalendarDay, MAX_REPORT_DAYS, REPORT_TABLES } from './report-wire.ts';
import { botId } from './wire-schemas.ts';
import { HANDOVER_SOURCES, RESOLUTION_CODES } from './handover-wire.ts';
import { MESSAGE_OUTCOMES } from './turn-outcomes.ts';

const count = z.number().int().min(0);
const ms = z.number().nullable();

/** p50 and p90 by nearest rank (the value at or below which that share of them falls); null when there are none. */
export const durationSummary = z.object({ count, p50Ms: ms, p90Ms: ms });

/** One UTC day of the period; days with nothing counted are there with zeros. */
export const reportDayRow = z.object({
  day: z.string(),
  conversations: count,
  /** Every message: visitors', the bot's, operators' and system notices. */
  messages: count,
  visitorMessages: count,
  /** Visitor messages whose turn ended so (common/turn-outcomes.ts). */
  answered: count,
  fallback: count,
  handedOver: count,
  /** Handovers opened, resolved and abandoned that day. */
  handovers: count,
  resolved: count,
  abandoned: count,
  waitP50Ms: ms,
  waitP90Ms: ms,
  firstResponseP50Ms: ms,
  firstResponseP90Ms: ms,
});

export const reportView = z
  .object({
    /** The bots it covers: the one asked for, or all the caller may read (for an administrator, every bot configured). */
    bots: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    days: z.array(reportDayRow),
    totals: z.object({ conversations: count, messages: z.record(z.enum(SENDERS), count) }),
    /**
     * Visitor messages by what their turn did. `share`: of the turns the bot handled (every outcome
     * but `silent`, a message sent while an operator had the conversation), 0–1; null for `silent`
     * and when the bot handled none.
     */
    outcomes: z.array(z.object({ outcome: z.enum(MESSAGE_OUTCOMES), count, share: z.number().min(0).max(1).nullable() })),
    /** Intents reached, most first. */
    topIntents: z.array(z.object({ intent: z.string(), count })),
    /** Fallbacks by the intent nearest to what the visitor wrote (null: near none), most first. Counts, never text. */
    topFallbacks: z.array(z.object({ nearest: z.string().nullable(), count })),
    handovers: z.object({
      opened: count,
      bySource: z.array(z.object({ source: z.enum(HANDOVER_SOURCES), count })),
      /** From the visitor's request to an operator's taking it (the first assignment). */
      waiting: durationSummary,
      /** From the visitor's request to the operator's first message. */
      firstResponse: durationSummary,
      resolutions: z.array(z.object({ code: z.enum(RESOLUTION_CODES), count })),
      /** Abandoned before anyone took it, and with an operator but the visitor gone. */
      abandoned: z.object({ unanswered: count, gone: count }),
      ratings: z.object({ count, average: z.number().nullable(), byScore: z.array(z.object({ score: z.number().int(), count })) }),
    }),
  })
  .meta({ id: 'Report' });

// Queries: UTC days, from ≤ to, at most MAX_REPORT_DAYS of them.
const day = z.string().refine(isCalendarDay, 'expected a day as YYYY-MM-DD');
const period = {
  from: day,
  to: day,
  /** Absent: every bot the caller may read. */
  bot: botId.optional(),
};
const DAY_MS = 86_400_000;
const inOrder = (q: { from: string; to: string }) => q.from <= q.to;
const notTooLong = (q: { from: string; to: string }) => (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1 <= MAX_REPORT_DAYS;
export const reportQuery = z
  .strictObject(period)
  .refine(inOrder, 'from must not be after to')
  .refine(notTooLong, `at most ${MAX_REPORT_DAYS} days`);
export const reportCsvQuery = z
  .strictObject({ ...period, table: z.enum(REPORT_TABLES) })
  .refine(inOrder, 'from must not be after to')
  .refine(notTooLong, `at most ${MAX_REPORT_DAYS} days`);
