// The reveal of personal data, one home for both routes that offer it: POST /conversations/:id/reveal
// and POST /handovers/:id/reveal. The role was checked before (personal-data.reveal on the bot:
// an administrator, or a supervisor an administrator granted it); the reason is recorded with the
// reveal in the audit log before anything is answered; the answer is that one conversation
// unmasked and the values its forms collected, nothing else.
import type { Context, Middleware } from 'koa';
import type { RevealedValues } from '../../../../common/conversations-wire.ts';
import type { AppDeps } from '../../deps.ts';
import { TRANSCRIPT_LIMIT } from './handover-detail.ts';
import { conversationOf } from './conversation-access.ts';
import { handoverOf } from './handover-access.ts';
import type { RevealInput } from '../../../../common/handover-wire-schemas.ts';
import { audit } from './state.ts';

/** What is revealed, and how the audit log names it. */
interface Revealed {
  action: 'conversation.reveal' | 'handover.reveal';
  target: string;
  bot: string;
  conversationId: string;
}

function reveal(deps: AppDeps, subject: (ctx: Context) => Revealed): Middleware {
  return async (ctx) => {
    const { action, target, bot, conversationId } = subject(ctx);
    const { reason } = ctx.state.input as RevealInput;
    await audit(ctx, deps.store, { action, target, outcome: 'ok', details: { bot, reason } });
    const [messages, values] = await Promise.all([deps.store.listMessages(conversationId, 0, TRANSCRIPT_LIMIT), deps.store.listValues(conversationId)]);
    ctx.body = { messages, values: values.map(({ key, value, pii }) => ({ key, value, pii })) } satisfies RevealedValues;
  };
}

export const revealConversation = (deps: AppDeps): Middleware =>
  reveal(deps, (ctx) => {
    const conversation = conversationOf(ctx);
    return { action: 'conversation.reveal', target: conversation.id, bot: conversation.botId, conversationId: conversation.id };
  });

export const revealHandover = (deps: AppDeps): Middleware =>
  reveal(deps, (ctx) => {
    const handover = handoverOf(ctx);
    return { action: 'handover.reveal', target: handover.id, bot: handover.botId, conversationId: handover.conversationId };
  });
