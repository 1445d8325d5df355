// What every way into the console shares once it knows the user: the second factor, spent in the
// store so that a code signs in once, and the count of failures toward the account's lock. The
// password login (login.ts) and the code that finishes a single sign-on (sso-second-factor.ts)
// both go through here, so a code is as replay-safe, and a wrong one as costly, either way.
import type { Context } from 'koa';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import { newestAcceptedStep, verifyTotp } from '../../../accounts/totp.ts';
import { matchRecoveryCode } from '../../../accounts/recovery-codes.ts';
import { lockAfter } from '../../../accounts/login-lock.ts';
import { audit } from './state.ts';
import type { LoginMethod } from './open-session.ts';

export type SignInFailure = 'unknown' | 'password' | 'disabled' | 'locked' | 'second-factor';

/**
 * A TOTP code newer than the last one used, or else a recovery code. Either is used up in the store,
 * where only one of several logins racing with the same code wins: a replayed code is refused. A
 * TOTP sign-in spends the whole window of steps accepted now, so a second code typed at the same
 * moment (another step of the window) is refused too; the next sign-in takes a later code.
 */
export async function secondFactorOk(deps: AppDeps, user: ConsoleUser, code: string, now: Date): Promise<boolean> {
  const step = user.totpSecret ? await verifyTotp(user.totpSecret, code, now, user.totpLastStep) : null;
  if (step !== null) return deps.store.useTotpStep(user.id, step, newestAcceptedStep(now));
  const hash = await matchRecoveryCode(user.recoveryCodes, code);
  return hash !== null && deps.store.useRecoveryCode(user.id, hash);
}

/** Audits a failed sign-in; a wrong password or code also counts toward the account's lock. */
export async function countFailure(deps: AppDeps, ctx: Context, user: ConsoleUser | null, failure: SignInFailure, method: LoginMethod, now: Date): Promise<void> {
  if (user && (failure === 'password' || failure === 'second-factor')) {
    const failedLogins = user.failedLogins + 1;
    // An administrator lifts a lock sooner (PATCH /users/:id {unlock: true}).
    const lockMs = lockAfter(failedLogins);
    const lock = lockMs === null ? {} : { lockedUntil: new Date(now.getTime() + lockMs) };
    await deps.store.updateUser(user.id, { failedLogins, ...lock });
    if (lock.lockedUntil) await audit(ctx, deps.store, { actor: null, action: 'user.lock', target: user.id, outcome: 'ok', details: { failedLogins, lockMinutes: (lockMs ?? 0) / 60_000 } });
  }
  await audit(ctx, deps.store, { actor: null, action: 'login.failed', target: user?.id ?? null, outcome: 'failed', details: { method, reason: failure } });
}

/** A successful sign-in resets the count of failures and any lock that ran out. */
export async function forgetFailures(deps: AppDeps, user: ConsoleUser): Promise<void> {
  if (user.failedLogins > 0 || user.lockedUntil) await deps.store.updateUser(user.id, { failedLogins: 0, lockedUntil: null });
}
