// A data subject's export goes to the browser as a file. Its name holds a date, never the visitor's
// `sub` or a conversation id: a downloads folder or a proxy log is not a place for either.
import type { Context } from 'koa';

export function asExportDownload(ctx: Context, now: Date): void {
  ctx.set('Content-Disposition', `attachment; filename="parley-export-${now.toISOString().slice(0, 10)}.json"`);
}
