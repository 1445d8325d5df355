// GET /reports and GET /reports/csv (common/report-wire.ts): a bot's report, or the report of every
// bot the caller may read, over a period of UTC days, as JSON or one table as CSV. Computed from the
// store's day tallies only (server/reports/), which hold no ids, text or values. `reports.read` per
// roles.ts: administrators every bot, supervisors their own; a role that may read none (operators)
// is refused before its query is even read. Both are audited.
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import type { ReportView } from '../../../../common/report-wire.ts';
import { botScope, can } from '../../../accounts/roles.ts';
import { buildReport } from '../../../reports/build-report.ts';
import { reportCsv } from '../../../reports/csv.ts';
import type { AppDeps } from '../../deps.ts';
import { validate } from '../../validate.ts';
import { deny } from './authorize.ts';
import { reportCsvQuery, reportQuery } from '../../../../common/report-wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

interface Period {
  bots: string[];
  from: string;
  to: string;
}

/**
 * The bots the report covers: the one asked for if the caller may read it; else all they may,
 * which for an administrator is every bot configured (a bot no longer configured can still be
 * asked for by name).
 */
async function reportedBots(ctx: Context, deps: AppDeps, bot: string | undefined): Promise<string[]> {
  const { user } = mustBeSignedIn(ctx);
  if (bot !== undefined) return can(user, 'reports.read', bot) ? [bot] : deny(ctx, deps.store, 'reports.read', bot);
  const scope = botScope(user, 'reports.read');
  return scope === 'all' ? deps.engine.profiles().map((p) => p.id).sort() : scope;
}

/** Refuses a role that may read no bot's report at all, whatever it asks. */
function mayReadSomeReport(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    const scope = botScope(mustBeSignedIn(ctx).user, 'reports.read');
    if (scope !== 'all' && scope.length === 0) await deny(ctx, deps.store, 'reports.read', null);
    await next();
  };
}

/** The report the query asks for, of the bots it may cover, with the query as read. */
async function reportFor<Q extends { from: string; to: string; bot?: string | undefined }>(ctx: Context, deps: AppDeps, schema: z.ZodType<Q>): Promise<{ query: Q; report: ReportView }> {
  const query = validate(schema, ctx.query);
  const period: Period = { bots: await reportedBots(ctx, deps, query.bot), from: query.from, to: query.to };
  return { query, report: buildReport(period, await deps.store.reportDays(period)) };
}

export function getReport(deps: AppDeps): Middleware[] {
  return [
    mayReadSomeReport(deps),
    async (ctx) => {
      const { query, report } = await reportFor(ctx, deps, reportQuery);
      ctx.body = report;
      await audit(ctx, deps.store, { action: 'reports.read', target: query.bot ?? null, outcome: 'ok', details: { from: query.from, to: query.to } });
    },
  ];
}

export function exportReportCsv(deps: AppDeps): Middleware[] {
  return [
    mayReadSomeReport(deps),
    async (ctx) => {
      const { query, report } = await reportFor(ctx, deps, reportCsvQuery);
      const csv = reportCsv(report, query.table);
      await audit(ctx, deps.store, { action: 'reports.export', target: query.bot ?? null, outcome: 'ok', details: { from: query.from, to: query.to, table: query.table } });
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="parley-${query.bot ?? 'all'}-${query.table}-${query.from}-${query.to}.csv"`);
      ctx.body = csv;
    },
  ];
}
