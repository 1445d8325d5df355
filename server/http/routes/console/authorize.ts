// The one place a console route's access is decided: signed in, and allowed the action by the
// role matrix (server/accounts/roles.ts). Routes name the action they need; none decides by hand.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import { can, type Action } from '../../../accounts/roles.ts';
import type { ConsoleStore } from '../../../store/console-store.ts';
import { audit, notSignedIn, signedIn } from './state.ts';

/** `'signed-in'`: any console user, for their own account (session, password, second factor). */
export type Requirement = Action | 'signed-in';

export function authorize(store: ConsoleStore, requirement: Requirement): Middleware {
  return async (ctx, next) => {
    const state = signedIn(ctx);
    if (!state) throw notSignedIn();
    if (requirement !== 'signed-in' && !can(state.user, requirement)) {
      await audit(ctx, store, { action: requirement, outcome: 'denied', details: { method: ctx.method, route: String(ctx._matchedRoute ?? ctx.path) } });
      throw createError(403, 'Your role may not do this', { code: 'forbidden' });
    }
    await next();
  };
}
