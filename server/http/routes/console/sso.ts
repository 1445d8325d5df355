// Console single sign-on over HTTP (see docs/console.md, "Single sign-on"):
//   GET /sso           whether the sign-in screen offers the button, and its text
//   GET /sso/start     302 to the IdP; state, nonce and PKCE verifier ride in a sealed cookie
//   GET /sso/callback  the IdP's answer → the console user it is linked to → a session like any
//                      login, then /console/; for a user with TOTP no session yet but a pending
//                      sign-in, then /console/#sso-second-factor, where the code finishes it
//                      (sso-second-factor.ts). Every failure lands on /console/#sso-error=<code>
//                      with an audit entry; the role is always the console's, never a claim.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../../deps.ts';
import type { SsoErrorCode, SsoInfo } from '../../../../common/console-wire.ts';
import type { ConsoleStore, ConsoleUser } from '../../../store/console-store.ts';
import type { SsoIdentity } from '../../../accounts/oidc.ts';
import { storeErrorCode } from '../../../store/errors.ts';
import { clearedSsoStateCookie, openSsoState, sealSsoState, SSO_STATE_COOKIE } from '../../../accounts/sso-state-cookie.ts';
import { beginPendingSignIn } from '../../../accounts/sso-pending.ts';
import { audit } from './state.ts';
import { openSession } from './open-session.ts';

export const SSO_CALLBACK_PATH = '/api/v1/console/sso/callback';

export function ssoInfo(deps: AppDeps): Middleware {
  return (ctx) => {
    ctx.body = (deps.sso ? { enabled: true, label: deps.sso.label } : { enabled: false, label: null }) satisfies SsoInfo;
  };
}

const notConfigured = () => createError(404, 'Single sign-on is not configured');

export function ssoStart(deps: AppDeps): Middleware {
  return async (ctx) => {
    if (!deps.sso) throw notConfigured();
    const { url, checks } = await deps.sso.begin(deps.publicUrl + SSO_CALLBACK_PATH);
    ctx.set('Set-Cookie', await sealSsoState(deps.config.tokenKeys, checks));
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(url.href);
  };
}

type Linked = { user: ConsoleUser } | { failure: SsoErrorCode };

/**
 * The console user behind `identity`: the one already linked to its `iss|sub`; else, on a first
 * login, the one whose e-mail the IdP has verified and who is linked to nobody yet (then linked
 * for good: the store links only a user still linked to nobody, so of two first logins racing with
 * different subjects one links and the other is `unknown_user`). Never a new user.
 */
async function linkedUser(ctx: Context, store: ConsoleStore, identity: SsoIdentity): Promise<Linked> {
  const known = await store.getUserByOidcSubject(identity.subject);
  if (known) return known.disabled ? { failure: 'disabled' } : { user: known };
  if (identity.email === null) return { failure: 'unknown_user' };
  if (!identity.emailVerified) return { failure: 'email_not_verified' };
  const byEmail = await store.getUserByEmail(identity.email);
  if (!byEmail || byEmail.oidcSubject !== null) return { failure: 'unknown_user' };
  if (byEmail.disabled) return { failure: 'disabled' };
  const linked = await store.linkOidcSubject(byEmail.id, identity.subject).catch((err: unknown) => {
    if (storeErrorCode(err) === 'duplicate_user') return null; // linked to another user meanwhile
    throw err;
  });
  if (!linked) return { failure: 'unknown_user' };
  await audit(ctx, store, { actor: linked.id, action: 'user.sso-link', target: linked.id, outcome: 'ok' });
  return linked.disabled ? { failure: 'disabled' } : { user: linked }; // disabled while this login ran
}

/** Back to the console with the reason in the fragment (never sent to any server, never a stack). */
async function fail(ctx: Context, store: ConsoleStore, failure: SsoErrorCode, target: string | null = null): Promise<void> {
  await audit(ctx, store, { actor: null, action: 'login.failed', target, outcome: 'failed', details: { method: 'sso', reason: failure } });
  ctx.redirect(`/console/#sso-error=${failure}`);
}

export function ssoCallback(deps: AppDeps): Middleware {
  return async (ctx) => {
    if (!deps.sso) throw notConfigured();
    const { store } = deps;
    ctx.set('Cache-Control', 'no-store');
    // The state cookie is good for one return only, whatever the outcome.
    ctx.set('Set-Cookie', clearedSsoStateCookie());
    const checks = await openSsoState(deps.config.tokenKeys, ctx.cookies.get(SSO_STATE_COOKIE));
    // Checked here too (openid-client checks it again) so a forged or crossed return never reaches the IdP's token endpoint.
    if (!checks || ctx.query.state !== checks.state) return fail(ctx, store, 'state_mismatch');
    if (typeof ctx.query.error === 'string') return fail(ctx, store, 'idp_refused');
    let identity: SsoIdentity;
    try {
      identity = await deps.sso.finish(new URL(ctx.originalUrl, deps.publicUrl), checks);
    } catch (err) {
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'console sso: the IdP answer did not check out');
      return fail(ctx, store, 'sso_failed');
    }
    const linked = await linkedUser(ctx, store, identity);
    if ('failure' in linked) return fail(ctx, store, linked.failure);
    const { user } = linked;
    if (user.totpSecret) {
      // The IdP's login is one factor; a user who has TOTP gives the code too, as at a password login.
      ctx.append('Set-Cookie', await beginPendingSignIn(store, user.id, new Date()));
      await audit(ctx, store, { actor: user.id, action: 'login.pending', target: user.id, outcome: 'ok', details: { method: 'sso' } });
      return ctx.redirect('/console/#sso-second-factor');
    }
    await openSession(ctx, store, user, 'sso', new Date());
    ctx.append('Set-Cookie', clearedSsoStateCookie());
    ctx.redirect('/console/');
  };
}
