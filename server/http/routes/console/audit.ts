// The audit log, for administrators: a filtered page, or all of it as JSON lines. Reading it is
// itself recorded.
import { Readable } from 'node:stream';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { AuditEntryView } from '../../../../common/console-wire.ts';
import type { AuditEntry, ConsoleStore } from '../../../store/console-store.ts';
import type { AppDeps } from '../../deps.ts';
import { validate } from '../../validate.ts';
import { auditQuery } from '../../../../common/console-wire-schemas.ts';
import { audit } from './state.ts';

const EXPORT_PAGE = 500;

const entryView = (entry: AuditEntry): AuditEntryView => ({
  seq: entry.seq,
  at: entry.at.toISOString(),
  actor: entry.actor,
  action: entry.action,
  target: entry.target,
  outcome: entry.outcome,
  ip: entry.ip,
  details: entry.details,
  hash: entry.hash,
});

export function listAudit(deps: AppDeps): Middleware {
  return async (ctx) => {
    const query: z.infer<typeof auditQuery> = validate(auditQuery, ctx.query);
    const entries = await deps.store.listAudit(query);
    await audit(ctx, deps.store, { action: 'audit.read', outcome: 'ok', details: { count: entries.length } });
    ctx.body = { entries: entries.map(entryView) };
  };
}

/** Page by page, so a long log never sits in memory whole. */
async function* allLines(store: ConsoleStore): AsyncGenerator<string> {
  let afterSeq = 0;
  for (;;) {
    const page = await store.listAudit({ afterSeq, limit: EXPORT_PAGE });
    for (const entry of page) yield `${JSON.stringify(entryView(entry))}\n`;
    if (page.length < EXPORT_PAGE) return;
    afterSeq = page.at(-1)!.seq;
  }
}

export function exportAudit(deps: AppDeps): Middleware {
  return async (ctx) => {
    await audit(ctx, deps.store, { action: 'audit.export', outcome: 'ok' });
    ctx.type = 'application/x-ndjson';
    ctx.set('Content-Disposition', 'attachment; filename="parley-audit.ndjson"');
    ctx.body = Readable.from(allLines(deps.store));
  };
}
