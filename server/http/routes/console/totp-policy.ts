// "A second factor for everyone": while an administrator requires it, a signed-in user without TOTP
// may only enrol, look at their session and log out. One middleware in front of every console
// route decides it, so a route added later is covered without asking for it.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { ConsoleStore } from '../../../store/console-store.ts';
import { mustEnrollTotp, signedIn } from './state.ts';

/** What a user who must enrol may still do (paths under the console prefix). */
const ALLOWED = new Set([
  'GET /session',
  'POST /session', // signing in again (the route ends the session the request brought)
  'POST /sso/second-factor', // the same, finishing a single sign-on
  'DELETE /session',
  'POST /session/end-all',
  'POST /password/set', // a one-time link: no session of its own
  'POST /password/reset',
  'POST /totp/enroll',
  'POST /totp/confirm',
]);

export function requireTotpEnrolment(store: ConsoleStore, prefix: string): Middleware {
  const allowed = (ctx: Context) => ALLOWED.has(`${ctx.method} ${ctx.path.slice(prefix.length)}`);
  return async (ctx, next) => {
    const state = signedIn(ctx);
    if (state && !allowed(ctx) && (await mustEnrollTotp(store, state.user))) {
      throw createError(403, 'Set up a second factor (an authenticator app) before using the console', { code: 'totp_enrolment_required' });
    }
    await next();
  };
}
