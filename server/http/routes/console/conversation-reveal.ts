// POST /conversations/:id/reveal: this one conversation unmasked, and the values its forms
// collected, for a role that may reveal personal data on its bot (personal-data.reveal: an
// administrator, or a supervisor an administrator granted it). The reason is recorded with the
// reveal in the audit log before anything is answered; nothing else is unmasked by it.
import type { Middleware } from 'koa';
import type { RevealedValues } from '../../../../common/conversations-wire.ts';
import type { AppDeps } from '../../deps.ts';
import { TRANSCRIPT_LIMIT } from './handover-detail.ts';
import { conversationOf } from './conversation-access.ts';
import type { RevealInput } from './schemas.ts';
import { audit } from './state.ts';

export function revealConversation(deps: AppDeps): Middleware {
  return async (ctx) => {
    const conversation = conversationOf(ctx);
    const { reason } = ctx.state.input as RevealInput;
    await audit(ctx, deps.store, { action: 'conversation.reveal', target: conversation.id, outcome: 'ok', details: { bot: conversation.botId, reason } });
    const [messages, values] = await Promise.all([
      deps.store.listMessages(conversation.id, 0, TRANSCRIPT_LIMIT),
      deps.store.listValues(conversation.id),
    ]);
    ctx.body = { messages, values: values.map(({ key, value, pii }) => ({ key, value, pii })) } satisfies RevealedValues;
  };
}
