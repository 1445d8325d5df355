// POST /api/v1/console/sso/second-factor {code}: the code that finishes a single sign-on of a user
// with a second factor (docs/console.md, "Single sign-on"). The callback left a pending sign-in
// bound to this browser's cookie (server/accounts/sso-pending.ts); it is spent here whatever
// happens, so each login at the IdP buys one try. The code is spent in the store as at a password
// login, and a wrong one counts toward the account's lock.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../../deps.ts';
import { isLocked } from '../../../accounts/login-lock.ts';
import { clearedPendingCookie, SSO_PENDING_COOKIE, takePendingSignIn } from '../../../accounts/sso-pending.ts';
import type { SsoSecondFactorInput } from '../../../../common/console-wire-schemas.ts';
import { audit, sessionInfo } from './state.ts';
import { openSession } from './open-session.ts';
import { countFailure, forgetFailures, secondFactorOk } from './sign-in-checks.ts';

const expired = () => createError(401, 'This single sign-on has expired or was used; sign in again', { code: 'sso_expired' });
/** One answer for a wrong code, a locked and a disabled account, as at the password login. */
const notAccepted = () => createError(401, 'The code was not accepted; sign in again', { code: 'invalid_credentials' });

export function finishSsoSignIn(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { code } = ctx.state.input as SsoSecondFactorInput;
    const now = new Date();
    // The pending sign-in is good for one try, whatever the outcome.
    ctx.set('Set-Cookie', clearedPendingCookie());
    const userId = await takePendingSignIn(deps.store, ctx.cookies.get(SSO_PENDING_COOKIE), now);
    const user = userId === null ? null : await deps.store.getUser(userId);
    if (!user) {
      await audit(ctx, deps.store, { actor: null, action: 'login.failed', target: userId, outcome: 'failed', details: { method: 'sso', reason: 'expired' } });
      throw expired();
    }
    // While locked, as at the password login, nothing is checked or counted.
    const refused = user.disabled ? 'disabled' : isLocked(user, now) ? 'locked' : null;
    if (refused) {
      await countFailure(deps, ctx, user, refused, 'sso', now);
      throw notAccepted();
    }
    if (!(await secondFactorOk(deps, user, code, now))) {
      await countFailure(deps, ctx, user, 'second-factor', 'sso', now);
      throw notAccepted();
    }
    await forgetFailures(deps, user);
    const session = await openSession(ctx, deps.store, user, 'sso', now);
    ctx.append('Set-Cookie', clearedPendingCookie());
    ctx.body = await sessionInfo(deps.store, user, session);
  };
}
