// GET /handovers: the queue and the rest, newest first, of the bots the caller may work
// (botScope of handover.work: all bots, or their own), narrowed by state and bot; and those bots by
// name, whose queue channels the console watches (an administrator's own list is empty).
import type { Middleware } from 'koa';
import type { HandoverList, HandoverState } from '../../../../common/handover-wire.ts';
import { botScope } from '../../../accounts/roles.ts';
import { loadHandoverViews } from '../../../chat/handover-view.ts';
import type { AppDeps } from '../../deps.ts';
import { validate } from '../../validate.ts';
import { handoverListQuery, type HandoverListQuery } from '../../../../common/handover-wire-schemas.ts';
import { mustBeSignedIn } from './state.ts';

const STATES: Record<NonNullable<HandoverListQuery['state']>, HandoverState[]> = {
  waiting: ['waiting'],
  assigned: ['assigned'],
  mine: ['assigned'],
  // Closed, whichever way: the wire's filter has no word for abandoned alone.
  resolved: ['resolved', 'abandoned'],
};

export function listHandovers(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const query = validate(handoverListQuery, ctx.query);
    const scope = botScope(user, 'handover.work');
    const bots = query.bot === undefined ? scope : scope === 'all' || scope.includes(query.bot) ? [query.bot] : [];
    const handovers =
      Array.isArray(bots) && bots.length === 0
        ? []
        : await deps.store.listHandovers({
            bots,
            ...(query.state ? { states: STATES[query.state] } : {}),
            ...(query.state === 'mine' ? { assigneeId: user.id } : {}),
            limit: query.limit,
          });
    ctx.body = {
      handovers: await loadHandoverViews(deps.store, handovers),
      bots: scope === 'all' ? deps.engine.profiles().map((p) => p.id).sort() : [...scope].sort(),
    } satisfies HandoverList;
  };
}
