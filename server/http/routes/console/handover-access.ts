// What the /handovers/:id routes share: authorize()'s scope that finds the handover (and so its
// bot, which roles.ts needs), the refusal for a handover the caller may not act on, and the
// holder check of the routes that speak in the conversation.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { Handover, HandoverStore } from '../../../store/handover-store.ts';
import type { ConsoleStore } from '../../../store/console-store.ts';
import type { BotScope } from './authorize.ts';
import { audit, signedIn } from './state.ts';

const HANDOVER_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Unknown, deleted (it went with its conversation), archived or another bot's: one answer for all,
 * so nobody learns which handovers exist. Also for posting, noting, typing or resolving on a
 * handover the caller does not hold, or one already closed.
 */
export const notHolder = () => createError(403, 'You do not hold this conversation', { code: 'not_holder' });

/** The handover of `/handovers/:id`, read once, for authorize() and then the route (ctx.state.handover). */
export function handoverScope(store: Pick<HandoverStore, 'getHandover'>): BotScope {
  return {
    refusal: notHolder,
    async resolve(ctx) {
      const id = String(ctx.params.id);
      const handover = HANDOVER_ID.test(id) ? await store.getHandover(id) : null;
      ctx.state.handover = handover;
      return { bot: handover?.botId, target: handover ? id : null };
    },
  };
}

/** For routes behind handoverScope: the handover is there, or authorize() already refused. */
export const handoverOf = (ctx: Context): Handover => ctx.state.handover as Handover;

export const isOpen = (handover: Handover): boolean => handover.state === 'waiting' || handover.state === 'assigned';

/**
 * For the routes that speak in the conversation (messages, notes, typing), after handoverScope: the
 * caller holds it, assigned to them and still open. Else 403 not_holder, audited as `action`, before
 * the body is read or any budget charged, with nothing done.
 */
export function holderOnly(store: Pick<ConsoleStore, 'appendAudit'>, action: string): Middleware {
  return async (ctx, next) => {
    const handover = handoverOf(ctx);
    if (handover.state !== 'assigned' || handover.assigneeId !== signedIn(ctx)?.user.id) {
      await audit(ctx, store, { action, target: handover.id, outcome: 'denied', details: { reason: 'not_holder', state: handover.state } });
      throw notHolder();
    }
    await next();
  };
}
