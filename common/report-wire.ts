// The reports' wire contract (issue 15), shared by the console app and the server. Both routes sit
// behind the console's session and role middleware like every console route
// (common/console-wire.ts) and ask roles.ts for `reports.read` (administrators; supervisors their
// bots), with the bot asked for, or every bot the caller may read when none is named.
//
//   GET /api/v1/console/reports?from=YYYY-MM-DD&to=YYYY-MM-DD[&bot=<id>]
//         → 200 ReportView                 (days are UTC; from ≤ to, at most MAX_REPORT_DAYS)
//   GET /api/v1/console/reports/csv?table=<ReportTable>&from&to[&bot]
//         → 200 text/csv, one table of the report, as a download
//
// 400 invalid_request for a bad query; 403 forbidden for a bot the caller may not read, or for a
// role that may read none. Both are audited (`reports.read`, `reports.export`).

import type { Sender } from './wire.ts';
import type { HandoverSource, ResolutionCode } from './handover-wire.ts';
import type { MessageOutcome } from './turn-outcomes.ts';

/** The longest period one report covers: a leap year and a day. */
export const MAX_REPORT_DAYS = 367;

/** Whether `day` is a real calendar day written `YYYY-MM-DD` (2024-02-30 is not). */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/** The tables of a report, each downloadable as CSV (`table=`): what each chart draws. */
export const REPORT_TABLES = ['daily', 'outcomes', 'intents', 'fallbacks', 'handovers', 'resolutions', 'ratings'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

/** p50 and p90 by nearest rank (the value at or below which that share of them falls); null when there are none. */
export interface DurationSummary {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

/** One UTC day of the period; days with nothing counted are there with zeros. */
export interface ReportDayRow {
  day: string;
  conversations: number;
  /** Every message: visitors', the bot's, operators' and system notices. */
  messages: number;
  visitorMessages: number;
  /** Visitor messages whose turn ended so (common/turn-outcomes.ts). */
  answered: number;
  fallback: number;
  handedOver: number;
  /** Handovers opened, resolved and abandoned that day. */
  handovers: number;
  resolved: number;
  abandoned: number;
  waitP50Ms: number | null;
  waitP90Ms: number | null;
  firstResponseP50Ms: number | null;
  firstResponseP90Ms: number | null;
}

export interface ReportView {
  /** The bots it covers: the one asked for, or all the caller may read (for an administrator, every bot configured). */
  bots: string[];
  from: string;
  to: string;
  days: ReportDayRow[];
  totals: { conversations: number; messages: Record<Sender, number> };
  /**
   * Visitor messages by what their turn did. `share`: of the turns the bot handled (every outcome
   * but `silent`, a message sent while an operator had the conversation), 0–1; null for `silent`
   * and when the bot handled none.
   */
  outcomes: Array<{ outcome: MessageOutcome; count: number; share: number | null }>;
  /** Intents reached, most first. */
  topIntents: Array<{ intent: string; count: number }>;
  /** Fallbacks by the intent nearest to what the visitor wrote (null: near none), most first. Counts, never text. */
  topFallbacks: Array<{ nearest: string | null; count: number }>;
  handovers: {
    opened: number;
    bySource: Array<{ source: HandoverSource; count: number }>;
    /** From the visitor's request to an operator's taking it (the first assignment). */
    waiting: DurationSummary;
    /** From the visitor's request to the operator's first message. */
    firstResponse: DurationSummary;
    resolutions: Array<{ code: ResolutionCode; count: number }>;
    /** Abandoned before anyone took it, and with an operator but the visitor gone. */
    abandoned: { unanswered: number; gone: number };
    ratings: { count: number; average: number | null; byScore: Array<{ score: number; count: number }> };
  };
}
