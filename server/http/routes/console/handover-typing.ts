// POST /handovers/:id/typing: the holder is typing; the visitor's frame shows it
// (TypingEvent {typing, who: 'operator'} on the visitor's sealed channel). Rate limited per
// conversation (rate-limits.ts `typing`), so a console cannot flood the relay.
import type { Middleware } from 'koa';
import { EVENT_TYPING, conversationChannel, type TypingEvent } from '../../../../common/wire.ts';
import { publishBestEffort } from '../../../chat/publish.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf } from './handover-access.ts';

export function operatorTyping(deps: AppDeps): Middleware {
  return async (ctx) => {
    const handover = handoverOf(ctx);
    const { typing } = ctx.state.input as { typing: boolean };
    // One try: a typing hint that arrives late is worse than none.
    await publishBestEffort(deps.publisher, deps.logger, conversationChannel(handover.conversationId), EVENT_TYPING, { typing, who: 'operator' } satisfies TypingEvent, 1);
    ctx.status = 204;
  };
}
