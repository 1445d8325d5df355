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

// The types are inferred from the zod schemas (report-wire-schemas.ts) the server validates the
// queries with and the OpenAPI document (/api/v1/openapi.json) is built from.
import type { z } from 'zod';
import type * as schemas from './report-wire-schemas.ts';

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
export type DurationSummary = z.infer<typeof schemas.durationSummary>;
/** One UTC day of the period; days with nothing counted are there with zeros. */
export type ReportDayRow = z.infer<typeof schemas.reportDayRow>;
export type ReportView = z.infer<typeof schemas.reportView>;
/** The period of GET /reports as a client writes it (and, with `table`, of /reports/csv). */
export type ReportPeriod = z.input<typeof schemas.reportQuery>;
