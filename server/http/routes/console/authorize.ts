// The one place a console route's access is decided: signed in, and allowed the action by the
// role matrix (server/accounts/roles.ts). Routes name the action they need; none decides by hand.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import { botScope, can, type Action } from '../../../accounts/roles.ts';
import type { ConsoleStore } from '../../../store/console-store.ts';
import { audit, notSignedIn, signedIn } from './state.ts';

/** `'signed-in'`: any console user, for their own account (session, password, second factor). */
export type Requirement = Action | 'signed-in';

/**
 * For actions on one bot's things (a handover, a bot's canned replies): which bot the request
 * concerns, found once the caller is known to be signed in. An unknown thing has no bot and is
 * refused like another bot's, so the answer never tells one from the other.
 */
export interface BotScope {
  resolve(ctx: Context): Promise<{ bot: string | undefined; target: string | null }>;
  /** The refusal for a role that may do this on some bots but not this one (default 403 `forbidden`). */
  refusal?: () => Error;
}

const forbidden = () => createError(403, 'Your role may not do this', { code: 'forbidden' });

/** Records the refusal of `action` (on `target`) in the audit log, then refuses. */
export async function deny(ctx: Context, store: Pick<ConsoleStore, 'appendAudit'>, action: Action, target: string | null, refusal: () => Error = forbidden): Promise<never> {
  await audit(ctx, store, { action, target, outcome: 'denied', details: { method: ctx.method, route: String(ctx._matchedRoute ?? ctx.path) } });
  throw refusal();
}

/**
 * For routes that list across bots (the conversation browser): signed in, and `action` reaches some
 * bot. A role that reaches none (operators browsing conversations) is refused, audited; the route
 * then narrows its query to botScope(user, action).
 */
export function authorizeAcrossBots(store: ConsoleStore, action: Action): Middleware {
  return async (ctx, next) => {
    const state = signedIn(ctx);
    if (!state) throw notSignedIn();
    const reach = botScope(state.user, action);
    if (reach !== 'all' && reach.length === 0) await deny(ctx, store, action, null);
    await next();
  };
}

export function authorize(store: ConsoleStore, requirement: Requirement, scope?: BotScope): Middleware {
  return async (ctx, next) => {
    const state = signedIn(ctx);
    if (!state) throw notSignedIn();
    if (requirement !== 'signed-in') {
      const { bot, target } = scope ? await scope.resolve(ctx) : { bot: undefined, target: null };
      if ((scope && bot === undefined) || !can(state.user, requirement, bot)) {
        // A role that may do this on no bot at all learns nothing from the refusal; only one that
        // may on some bots gets the scope's own answer, the same for another bot's thing and none.
        const reach = botScope(state.user, requirement);
        const reachesNone = scope !== undefined && reach !== 'all' && reach.length === 0;
        await deny(ctx, store, requirement, target, reachesNone ? forbidden : scope?.refusal);
      }
    }
    await next();
  };
}
