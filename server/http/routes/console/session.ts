// The signed-in session: who am I, log out, log out everywhere.
import type { Middleware } from 'koa';
import type { AppDeps } from '../../deps.ts';
import { audit, clearSessionCookie, mustBeSignedIn, sessionInfo } from './state.ts';

export function currentSession(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user, session } = mustBeSignedIn(ctx);
    ctx.body = await sessionInfo(deps.store, user, session);
  };
}

/** Ends this session in the store, so a copy of the cookie is dead too, not only the browser's. */
export function logout(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user, session } = mustBeSignedIn(ctx);
    await deps.store.deleteConsoleSession(session.idHash);
    clearSessionCookie(ctx);
    await audit(ctx, deps.store, { action: 'logout', target: user.id, outcome: 'ok' });
    ctx.status = 204;
  };
}

/** Bumps the session version and deletes every session of this user, this one included. */
export function endAllSessions(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    await deps.store.updateUser(user.id, {}, { endSessions: true });
    clearSessionCookie(ctx);
    await audit(ctx, deps.store, { action: 'logout.everywhere', target: user.id, outcome: 'ok' });
    ctx.status = 204;
  };
}
