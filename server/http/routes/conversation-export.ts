// GET /api/v1/conversation/export: the visitor downloads their own conversation from the chat
// frame (behind requireVisitor: the token's live conversation only), as the same document an
// administrator's export is (common/data-protection-wire.ts), for the audience "visitor": without
// what operators wrote for each other.
import type { Middleware } from 'koa';
import type { AppDeps } from '../deps.ts';
import type { VisitorState } from '../visitor-auth.ts';
import { unauthorized } from '../visitor-auth.ts';
import { exportSubject } from '../../privacy/subjects.ts';
import { asExportDownload } from '../download.ts';

export function exportConversation(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { conversation } = ctx.state.visitor as VisitorState;
    const now = new Date();
    const document = await exportSubject(deps.store, { conversationId: conversation.id }, 'visitor', now);
    // Deleted between the token check and now: the token has just ended.
    if (!document) throw unauthorized();
    asExportDownload(ctx, now);
    ctx.body = document;
  };
}
