// POST /api/v1/console/password/reset: "I forgot my password". Anyone may ask, so the answer says
// nothing: the same 202 `{}` whether or not the address has an account. A known, enabled
// account is mailed a single-use reset link (24 h); the mail goes out after the answer, so the
// answer's timing does not tell either. The audit log, which only administrators read, records
// each request and whether a link was mailed.
import type { Middleware } from 'koa';
import type { AppDeps } from '../../deps.ts';
import { issueLink } from '../../../accounts/one-time-links.ts';
import type { ResetInput } from '../../../../common/console-wire-schemas.ts';
import { audit, mailAfterAnswer } from './state.ts';

export function requestReset(deps: AppDeps): Middleware {
  return async (ctx) => {
    const { email } = ctx.state.input as ResetInput;
    const user = await deps.store.getUserByEmail(email);
    const mailed = user !== null && !user.disabled;
    if (mailed) {
      const { link, expiresAt } = await issueLink(deps.store, { userId: user.id, purpose: 'reset-password', publicUrl: deps.publicUrl, now: new Date() });
      mailAfterAnswer(deps.logger, 'password-reset', user.id, () => deps.mailer.sendPasswordReset({ to: user.email, link, expiresAt }));
    }
    await audit(ctx, deps.store, { actor: null, action: 'password.reset.request', target: user?.id ?? null, outcome: 'ok', details: { mailed } });
    ctx.status = 202;
    ctx.body = {}; // JSON like every console answer (Koa would otherwise send the text "Accepted")
  };
}
