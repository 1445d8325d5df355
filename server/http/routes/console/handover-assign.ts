// POST /handovers/:id/take and /handovers/:id/reassign. Taking is one compare-and-set on the
// handover's version (store.transitionHandover): of operators clicking at once, on any instances,
// exactly one wins and the others get 409 already_taken, with nothing stored or published for
// them. A supervisor's reassignment retries against a fresh read: they decide who holds it,
// whatever happened a moment before. Both are in the audit log, won or lost.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import { can } from '../../../accounts/roles.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import type { Handover } from '../../../store/handover-store.ts';
import { assignHandover } from '../../../chat/handover-lifecycle.ts';
import { loadHandoverView } from '../../../chat/handover-view.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf, isOpen, notHolder } from './handover-access.ts';
import type { ReassignInput } from '../../../../common/handover-wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

const alreadyTaken = () => createError(409, 'Someone else took this conversation first', { code: 'already_taken' });
const invalidOperator = () => createError(400, 'That user may not work this bot’s conversations', { code: 'invalid_operator' });

/** How often a reassignment reads again after losing to a simultaneous change. */
const REASSIGN_ATTEMPTS = 3;

export function takeHandover(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const handover = handoverOf(ctx);
    const record = (outcome: 'ok' | 'denied' | 'failed', reason?: string) =>
      audit(ctx, deps.store, { action: 'handover.take', target: handover.id, outcome, details: { bot: handover.botId, ...(reason ? { reason } : {}) } });
    // Their own already (a retried click): the same answer again, nothing changed.
    if (handover.state === 'assigned' && handover.assigneeId === user.id) {
      ctx.body = await loadHandoverView(deps.store, handover);
      return;
    }
    if (!isOpen(handover)) {
      await record('denied', 'closed');
      throw notHolder();
    }
    const taken = handover.state === 'waiting' ? await assignHandover(deps, handover, user) : null;
    if (!taken) {
      await record('failed', 'already_taken');
      throw alreadyTaken();
    }
    await record('ok');
    ctx.body = await loadHandoverView(deps.store, taken);
  };
}

async function reassignTo(ctx: Context, deps: AppDeps, first: Handover, operator: ConsoleUser): Promise<Handover> {
  let handover: Handover | null = first;
  for (let attempt = 0; attempt < REASSIGN_ATTEMPTS && handover && isOpen(handover); attempt++) {
    if (handover.assigneeId === operator.id) return handover;
    const assigned = await assignHandover(deps, handover, operator);
    if (assigned) return assigned;
    handover = await deps.store.getHandover(first.id);
  }
  await audit(ctx, deps.store, { action: 'handover.reassign', target: first.id, outcome: 'denied', details: { bot: first.botId, reason: handover && isOpen(handover) ? 'contended' : 'closed' } });
  throw handover && isOpen(handover) ? alreadyTaken() : notHolder();
}

export function reassignHandover(deps: AppDeps): Middleware {
  return async (ctx) => {
    mustBeSignedIn(ctx);
    const handover = handoverOf(ctx);
    const { operatorId } = ctx.state.input as ReassignInput;
    const operator = await deps.store.getUser(operatorId);
    if (!operator || !can(operator, 'handover.work', handover.botId)) {
      await audit(ctx, deps.store, { action: 'handover.reassign', target: handover.id, outcome: 'denied', details: { bot: handover.botId, reason: 'invalid_operator' } });
      throw invalidOperator();
    }
    const from = handover.assigneeId ?? '';
    const assigned = await reassignTo(ctx, deps, handover, operator);
    await audit(ctx, deps.store, { action: 'handover.reassign', target: handover.id, outcome: 'ok', details: { bot: handover.botId, from, to: operator.id } });
    ctx.body = await loadHandoverView(deps.store, assigned);
  };
}
