// A data subject's export goes to the browser as a file, named as the console and the frame name
// theirs (common/data-protection-wire.ts): a date, never the visitor's `sub` or a conversation id.
import type { Context } from 'koa';
import { exportFileName } from '../../common/data-protection-wire.ts';

export function asExportDownload(ctx: Context, now: Date): void {
  ctx.set('Content-Disposition', `attachment; filename="${exportFileName(now)}"`);
}
