// POST /handovers/:id/resolve: the holder ends the conversation with a resolution code (and an
// internal note); a supervisor or administrator of its bot (handover.reassign, roles.ts) may end
// any of its open handovers. The visitor sees "<name> left" and may rate; the bot answers again.
import type { Middleware } from 'koa';
import { can } from '../../../accounts/roles.ts';
import type { Handover } from '../../../store/handover-store.ts';
import { closeHandover } from '../../../chat/handover-lifecycle.ts';
import { loadHandoverView } from '../../../chat/handover-view.ts';
import type { AppDeps } from '../../deps.ts';
import { handoverOf, isOpen, notHolder } from './handover-access.ts';
import type { ResolveInput } from '../../../../common/handover-wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

/** How often a supervisor's resolution reads again after losing to a simultaneous change. */
const ATTEMPTS = 3;

export function resolveHandover(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const input = ctx.state.input as ResolveInput;
    const supervises = can(user, 'handover.reassign', handoverOf(ctx).botId);
    const mayResolve = (h: Handover | null): h is Handover => h !== null && isOpen(h) && (supervises || (h.state === 'assigned' && h.assigneeId === user.id));
    let handover: Handover | null = handoverOf(ctx);
    for (let attempt = 0; attempt < ATTEMPTS && mayResolve(handover); attempt++) {
      const closed = await closeHandover(deps, handover, { state: 'resolved', resolution: input.code, resolutionNote: input.note ?? null });
      if (closed) {
        await audit(ctx, deps.store, { action: 'handover.resolve', target: closed.id, outcome: 'ok', details: { bot: closed.botId, code: input.code } });
        ctx.body = await loadHandoverView(deps.store, closed);
        return;
      }
      handover = await deps.store.getHandover(handover.id);
    }
    await audit(ctx, deps.store, { action: 'handover.resolve', target: handoverOf(ctx).id, outcome: 'denied', details: { reason: 'not_holder' } });
    throw notHolder();
  };
}
