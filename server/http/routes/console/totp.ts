// Second factor enrolment: a fresh secret is offered, and becomes the user's only once they type a
// code their app shows for it; then the recovery codes are shown, once.
//
// The offered secret waits in the store (pendingTotpSecret) for 10 minutes, so the confirmation may
// reach any instance behind a load balancer; a new offer replaces the last one.
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { newTotpSecret, totpEnrolmentUri, verifyTotp } from '../../../accounts/totp.ts';
import { newRecoveryCodes } from '../../../accounts/recovery-codes.ts';
import type { totpConfirmRequest } from '../../../../common/console-wire-schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

const PENDING_MS = 10 * 60_000;

const alreadyEnrolled = () => createError(409, 'A second factor is already set up', { code: 'totp_enrolled' });

export function enrollTotp(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    if (user.totpSecret) throw alreadyEnrolled();
    const secret = newTotpSecret();
    await deps.store.updateUser(user.id, { pendingTotpSecret: secret, pendingTotpExpiresAt: new Date(Date.now() + PENDING_MS) });
    ctx.body = { secret, uri: totpEnrolmentUri({ secret, issuer: `Parley (${new URL(deps.publicUrl).host})`, account: user.email }) };
  };
}

export function confirmTotp(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { user } = mustBeSignedIn(ctx);
    const { code } = ctx.state.input as z.infer<typeof totpConfirmRequest>;
    if (user.totpSecret) throw alreadyEnrolled();
    const now = new Date();
    const secret = user.pendingTotpExpiresAt && user.pendingTotpExpiresAt > now ? user.pendingTotpSecret : null;
    const step = secret ? await verifyTotp(secret, code, now, null) : null;
    if (!secret || step === null) {
      await audit(ctx, deps.store, { action: 'totp.enroll', target: user.id, outcome: 'failed' });
      throw createError(400, 'That code is not right; enter the one your app shows now', { code: 'invalid_code' });
    }
    const { codes, hashes } = await newRecoveryCodes();
    // The confirming code's step counts as used: it cannot sign in afterwards.
    await deps.store.updateUser(user.id, { totpSecret: secret, recoveryCodes: hashes, totpLastStep: step, pendingTotpSecret: null, pendingTotpExpiresAt: null });
    await audit(ctx, deps.store, { action: 'totp.enroll', target: user.id, outcome: 'ok' });
    ctx.body = { codes };
  };
}
