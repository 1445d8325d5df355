// POST /api/v1/typing: the visitor is typing (the frame says so, debounced). Told to the operator
// holding the conversation, on the console's sealed channel of it; when no one holds it there is
// no one to tell (204 all the same). Rate limited per conversation (rate-limits.ts `typing`).
import type { Middleware } from 'koa';
import { EVENT_CONSOLE_TYPING, consoleConversationChannel } from '../../../common/handover-wire.ts';
import { publishBestEffort } from '../../chat/publish.ts';
import type { AppDeps } from '../deps.ts';
import type { VisitorState } from '../visitor-auth.ts';

export function visitorTyping(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { conversation } = ctx.state.visitor as VisitorState;
    const { typing } = ctx.state.input as { typing: boolean };
    const handover = await deps.store.openHandoverOf(conversation.id);
    if (handover?.state === 'assigned') {
      // One try: a typing hint that arrives late is worse than none.
      await publishBestEffort(deps.publisher, deps.logger, consoleConversationChannel(conversation.id), EVENT_CONSOLE_TYPING, { typing }, 1);
    }
    ctx.status = 204;
  };
}
