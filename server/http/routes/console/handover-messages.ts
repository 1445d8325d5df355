// POST /handovers/:id/messages: the holder writes to the visitor. Stored as sender `operator`
// with the operator's first name as `author` (never an id or address), then published to the
// visitor's channel and, masked, to the console's. A retried clientId gets the stored message back,
// publishes nothing again and costs no point of the operator's budget. The first one sets the
// handover's first-response time.
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { firstName } from '../../../chat/handover-view.ts';
import { publishToBothSides } from '../../../chat/handover-publish.ts';
import { storeErrorCode } from '../../../store/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf, notHolder } from './handover-access.ts';
import type { OperatorMessageInput } from '../../../../common/handover-wire-schemas.ts';
import { mustBeSignedIn } from './state.ts';

/**
 * The idempotency key as stored. Messages of one conversation share one key space, so the
 * operator's key is made their own: a '.' (which a visitor's key never holds) and a digest of
 * who sent it, so neither a visitor nor another operator can collide with it, and the history a
 * visitor reads shows no operator id.
 */
export function operatorClientId(userId: string, clientId: string): string {
  return `op.${createHash('sha256').update(`${userId}\n${clientId}`).digest('base64url').slice(0, 32)}`;
}

export function postOperatorMessage(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const handover = handoverOf(ctx);
    const input = ctx.state.input as OperatorMessageInput;
    const now = deps.clock();
    const { message, created } = await deps.store
      .appendMessage({
        conversationId: handover.conversationId,
        clientId: operatorClientId(user.id, input.clientId),
        sender: 'operator',
        author: firstName(user.displayName),
        text: input.text,
        now,
      })
      .catch((err: unknown) => {
        // Deleted since it was read: nothing of it is left to post to.
        if (storeErrorCode(err) === 'unknown_conversation') throw notHolder();
        throw err;
      });
    if (!created) ctx.state.replayed = true; // a retry: its rate-limit point is given back
    if (created) {
      if (handover.firstResponseAt === null) await deps.store.markFirstResponse(handover.id, now);
      await publishToBothSides(deps, message);
    }
    ctx.status = 201;
    ctx.body = { message };
  };
}
