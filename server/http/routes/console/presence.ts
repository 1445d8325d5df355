// PUT /presence: the console's heartbeat. An operator who says they are available counts as online
// for their bots' handovers (staffing, auto-assignment) until `expiresAt`, and the console renews
// it before then; a closed tab stops renewing and goes offline by itself. Only users who may work
// some bot's handovers have a presence.
import type { Middleware } from 'koa';
import type { PresenceView } from '../../../../common/handover-wire.ts';
import { botScope } from '../../../accounts/roles.ts';
import type { AppDeps } from '../../deps.ts';
import type { PresenceInput } from '../../../../common/handover-wire-schemas.ts';
import { mustBeSignedIn } from './state.ts';
import { deny } from './authorize.ts';

/** How long one heartbeat keeps an operator online; the console renews at about half of it. */
export const PRESENCE_TTL_MS = 60_000;

export function putPresence(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const scope = botScope(user, 'handover.work');
    if (scope !== 'all' && scope.length === 0) await deny(ctx, deps.store, 'handover.work', null);
    const { available } = ctx.state.input as PresenceInput;
    const expiresAt = new Date(deps.clock().getTime() + PRESENCE_TTL_MS);
    await deps.store.setPresence({ userId: user.id, available, expiresAt });
    ctx.body = { available, expiresAt: expiresAt.toISOString() } satisfies PresenceView;
  };
}
