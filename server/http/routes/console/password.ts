// Passwords: a signed-in user changes theirs (the current one required; every other session
// ends), and a one-time link (invitation, first administrator) sets one without a session.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../../accounts/passwords.ts';
import { rotateSession } from '../../../accounts/session-cookie.ts';
import { linkTokenHash } from '../../../accounts/one-time-links.ts';
import type { changePasswordRequest, setPasswordRequest } from '../../../../common/console-wire-schemas.ts';
import { audit, giveSession, mustBeSignedIn, sessionInfo } from './state.ts';

function refuseWeak(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw createError(400, problem.message, { code: 'weak_password' });
}

export function changePassword(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user, session } = mustBeSignedIn(ctx);
    const input = ctx.state.input as z.infer<typeof changePasswordRequest>;
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.current))) {
      await audit(ctx, deps.store, { action: 'password.change', target: user.id, outcome: 'failed', details: { reason: 'current' } });
      throw createError(403, 'The current password is not right', { code: 'wrong_password' });
    }
    refuseWeak(input.next, user.email);
    const now = new Date();
    // A new password ends every session, this one too (the store bumps the version with the
    // write); this browser gets a new session of the new version, with the login's absolute expiry.
    const updated = await deps.store.updateUser(user.id, { passwordHash: await hashPassword(input.next) }, { now });
    if (!updated) throw createError(401, 'Sign in to the console', { code: 'not_signed_in' });
    const issued = rotateSession(session, now, updated.sessionVersion);
    await giveSession(ctx, deps.store, issued);
    await audit(ctx, deps.store, { action: 'password.change', target: user.id, outcome: 'ok' });
    ctx.body = await sessionInfo(deps.store, updated, issued.session);
  };
}

const invalidLink = () => createError(400, 'This link is invalid, used or expired; ask an administrator for a new one', { code: 'invalid_link' });

/**
 * The rules that do not need the address are checked before the link is used up, so a too short
 * or common password does not cost the link. One that contains the mailbox name is only found
 * after (the link names no user until it is consumed) and does cost it.
 */
export function setPassword(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as z.infer<typeof setPasswordRequest>;
    refuseWeak(input.password, '');
    const now = new Date();
    const hash = linkTokenHash(input.token);
    const used = (await deps.store.consumeOneTimeToken(hash, 'set-password', now)) ?? (await deps.store.consumeOneTimeToken(hash, 'reset-password', now));
    const user = used ? await deps.store.getUser(used.userId) : null;
    if (!user || user.disabled) {
      await audit(ctx, deps.store, { action: 'password.set', target: user?.id ?? null, outcome: 'failed', details: { reason: 'link' } });
      throw invalidLink();
    }
    refuseWeak(input.password, user.email);
    const passwordHash = await hashPassword(input.password);
    // A new password: the store ends every session of the user with the write.
    await deps.store.updateUser(user.id, { passwordHash, failedLogins: 0, lockedUntil: null }, { now });
    await audit(ctx, deps.store, { actor: user.id, action: 'password.set', target: user.id, outcome: 'ok' });
    ctx.status = 204;
  };
}
