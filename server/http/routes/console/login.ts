// POST /api/v1/console/session: password (and second factor) for a fresh session. Every failure
// that could tell an attacker something (unknown address, wrong password, disabled, locked) is the
// same 401 after the same work: one Argon2id verification, real or dummy.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import { dummyVerify, verifyPassword } from '../../../accounts/passwords.ts';
import { isLocked } from '../../../accounts/login-lock.ts';
import type { LoginInput } from '../../../../common/console-wire-schemas.ts';
import { sessionInfo } from './state.ts';
import { openSession } from './open-session.ts';
import { countFailure, forgetFailures, secondFactorOk, type SignInFailure } from './sign-in-checks.ts';

const invalidCredentials = () => createError(401, 'Wrong e-mail address or password', { code: 'invalid_credentials' });
const totpRequired = () => createError(401, 'Enter the code from your authenticator app or a recovery code', { code: 'totp_required' });

/** The password check, always one full verification. */
async function passwordVerdict(user: ConsoleUser | null, password: string, now: Date): Promise<SignInFailure | null> {
  const right = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await dummyVerify(password);
  if (!user || !user.passwordHash) return 'unknown';
  if (user.disabled) return 'disabled';
  if (isLocked(user, now)) return 'locked';
  return right ? null : 'password';
}

export function login(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as LoginInput;
    const now = new Date();
    const user = await deps.store.getUserByEmail(input.email);
    const failure = await passwordVerdict(user, input.password, now);
    if (failure || !user) {
      await countFailure(deps, ctx, user, failure ?? 'unknown', 'password', now);
      throw invalidCredentials();
    }
    if (user.totpSecret) {
      if (input.totp === undefined) throw totpRequired();
      if (!(await secondFactorOk(deps, user, input.totp, now))) {
        await countFailure(deps, ctx, user, 'second-factor', 'password', now);
        throw invalidCredentials();
      }
    }
    await forgetFailures(deps, user);
    const session = await openSession(ctx, deps.store, user, 'password', now);
    ctx.body = await sessionInfo(deps.store, user, session);
  };
}
