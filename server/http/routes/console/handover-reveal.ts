// POST /handovers/:id/reveal: the conversation unmasked, and the values its forms collected, for
// a role that may reveal personal data on the handover's bot (personal-data.reveal, roles.ts).
// The reason given is recorded with the reveal in the audit log, before anything is answered.
import type { Middleware } from 'koa';
import type { RevealedValues } from '../../../../common/handover-wire.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf } from './handover-access.ts';
import { TRANSCRIPT_LIMIT } from './handover-detail.ts';
import type { RevealInput } from './schemas.ts';
import { audit } from './state.ts';

export function revealHandover(deps: AppDeps): Middleware {
  return async (ctx) => {
    const handover = handoverOf(ctx);
    const { reason } = ctx.state.input as RevealInput;
    await audit(ctx, deps.store, { action: 'handover.reveal', target: handover.id, outcome: 'ok', details: { bot: handover.botId, reason } });
    const [messages, values] = await Promise.all([
      deps.store.listMessages(handover.conversationId, 0, TRANSCRIPT_LIMIT),
      deps.store.listValues(handover.conversationId),
    ]);
    ctx.body = { messages, values: values.map(({ key, value, pii }) => ({ key, value, pii })) } satisfies RevealedValues;
  };
}
