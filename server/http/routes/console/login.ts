// POST /api/v1/console/session: password (and second factor) for a fresh session. Every failure
// that could tell an attacker something (unknown address, wrong password, disabled, locked) is the
// same 401 after the same work: one Argon2id verification, real or dummy.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import { dummyVerify, verifyPassword } from '../../../accounts/passwords.ts';
import { newestAcceptedStep, verifyTotp } from '../../../accounts/totp.ts';
import { matchRecoveryCode } from '../../../accounts/recovery-codes.ts';
import type { LoginInput } from './schemas.ts';
import { lockAfter } from '../../../accounts/login-lock.ts';
import { audit, sessionInfo } from './state.ts';
import { openSession } from './open-session.ts';


const invalidCredentials = () => createError(401, 'Wrong e-mail address or password', { code: 'invalid_credentials' });
const totpRequired = () => createError(401, 'Enter the code from your authenticator app or a recovery code', { code: 'totp_required' });

type Failure = 'unknown' | 'password' | 'disabled' | 'locked' | 'second-factor';

/** The password check, always one full verification. */
async function passwordVerdict(user: ConsoleUser | null, password: string, now: Date): Promise<Failure | null> {
  const right = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await dummyVerify(password);
  if (!user || !user.passwordHash) return 'unknown';
  if (user.disabled) return 'disabled';
  if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) return 'locked';
  return right ? null : 'password';
}

/**
 * A TOTP code newer than the last one used, or else a recovery code. Either is used up in the store,
 * where only one of several logins racing with the same code wins: a replayed code is refused. A
 * TOTP sign-in spends the whole window of steps accepted now, so a second code typed at the same
 * moment (another step of the window) is refused too; the next sign-in takes a later code.
 */
async function secondFactorOk(deps: AppDeps, user: ConsoleUser, code: string, now: Date): Promise<boolean> {
  const step = user.totpSecret ? await verifyTotp(user.totpSecret, code, now, user.totpLastStep) : null;
  if (step !== null) return deps.store.useTotpStep(user.id, step, newestAcceptedStep(now));
  const hash = await matchRecoveryCode(user.recoveryCodes, code);
  return hash !== null && deps.store.useRecoveryCode(user.id, hash);
}

async function countFailure(deps: AppDeps, ctx: Context, user: ConsoleUser | null, failure: Failure, now: Date): Promise<void> {
  if (user && (failure === 'password' || failure === 'second-factor')) {
    const failedLogins = user.failedLogins + 1;
    // An administrator lifts a lock sooner (PATCH /users/:id {unlock: true}).
    const lockMs = lockAfter(failedLogins);
    const lock = lockMs === null ? {} : { lockedUntil: new Date(now.getTime() + lockMs) };
    await deps.store.updateUser(user.id, { failedLogins, ...lock });
    if (lock.lockedUntil) await audit(ctx, deps.store, { actor: null, action: 'user.lock', target: user.id, outcome: 'ok', details: { failedLogins, lockMinutes: (lockMs ?? 0) / 60_000 } });
  }
  await audit(ctx, deps.store, { actor: null, action: 'login.failed', target: user?.id ?? null, outcome: 'failed', details: { reason: failure } });
}

export function login(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as LoginInput;
    const now = new Date();
    const user = await deps.store.getUserByEmail(input.email);
    const failure = await passwordVerdict(user, input.password, now);
    if (failure || !user) {
      await countFailure(deps, ctx, user, failure ?? 'unknown', now);
      throw invalidCredentials();
    }
    if (user.totpSecret) {
      if (input.totp === undefined) throw totpRequired();
      if (!(await secondFactorOk(deps, user, input.totp, now))) {
        await countFailure(deps, ctx, user, 'second-factor', now);
        throw invalidCredentials();
      }
    }
    if (user.failedLogins > 0 || user.lockedUntil) await deps.store.updateUser(user.id, { failedLogins: 0, lockedUntil: null });
    const session = await openSession(ctx, deps.store, user, 'password', now);
    ctx.body = await sessionInfo(deps.store, user, session);
  };
}
