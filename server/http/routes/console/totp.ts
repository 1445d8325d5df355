// Second factor enrolment: a fresh secret is offered, and becomes the user's only once they type a
// code their app shows for it; then the recovery codes are shown, once.
//
// The offered secret waits in this process's memory, keyed by the session, for 10 minutes: with
// several instances behind a load balancer the confirmation must reach the same one (the store has
// no field for a pending secret yet).
import type { Middleware } from 'koa';
import createError from 'http-errors';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { newTotpSecret, totpEnrolmentUri, verifyTotp } from '../../../accounts/totp.ts';
import { newRecoveryCodes } from '../../../accounts/recovery-codes.ts';
import type { totpConfirmRequest } from './schemas.ts';
import { audit, mustBeSignedIn } from './state.ts';

const PENDING_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

export interface PendingSecrets {
  offer(sessionId: string, secret: string): void;
  take(sessionId: string): string | null;
}

export function pendingSecrets(): PendingSecrets {
  const pending = new Map<string, { secret: string; until: number }>();
  return {
    offer(sessionId, secret) {
      for (const [key, entry] of pending) if (entry.until <= Date.now()) pending.delete(key);
      if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
      pending.set(sessionId, { secret, until: Date.now() + PENDING_MS });
    },
    take(sessionId) {
      const entry = pending.get(sessionId);
      return entry && entry.until > Date.now() ? entry.secret : null;
    },
  };
}

const alreadyEnrolled = () => createError(409, 'A second factor is already set up', { code: 'totp_enrolled' });

export function enrollTotp(deps: AppDeps, pending: PendingSecrets): Middleware {
  return async (ctx) => {
    const { user, session } = mustBeSignedIn(ctx);
    if (user.totpSecret) throw alreadyEnrolled();
    const secret = newTotpSecret();
    pending.offer(session.idHash, secret);
    ctx.body = { secret, uri: totpEnrolmentUri({ secret, issuer: `Parley (${new URL(deps.publicUrl).host})`, account: user.email }) };
  };
}

export function confirmTotp(deps: AppDeps, pending: PendingSecrets): Middleware {
  return async (ctx) => {
    const { user, session } = mustBeSignedIn(ctx);
    const { code } = ctx.state.input as z.infer<typeof totpConfirmRequest>;
    if (user.totpSecret) throw alreadyEnrolled();
    const secret = pending.take(session.idHash);
    if (!secret || (await verifyTotp(secret, code, new Date(), null)) === null) {
      await audit(ctx, deps.store, { action: 'totp.enroll', target: user.id, outcome: 'failed' });
      throw createError(400, 'That code is not right; enter the one your app shows now', { code: 'invalid_code' });
    }
    const { codes, hashes } = await newRecoveryCodes();
    await deps.store.updateUser(user.id, { totpSecret: secret, recoveryCodes: hashes });
    await audit(ctx, deps.store, { action: 'totp.enroll', target: user.id, outcome: 'ok' });
    ctx.body = { codes };
  };
}
