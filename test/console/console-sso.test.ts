// Issue 13: console single sign-on through a real OpenID Connect provider (oidc-provider,
// in-process on loopback) over real HTTP: the happy path with its link by verified e-mail, then
// every way it must fail (state mismatch, forged cookie, replayed callback, unverified e-mail,
// unknown user, disabled user), and the role that stays the console's whatever the IdP claims;
// on both stores, since the link lives in each store's oidcSubject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import type { TestIdp } from '../helpers/oidc-idp.ts';
import { startSsoWorld, type SsoWorld } from '../helpers/sso-world.ts';
import { freePort } from '../helpers/ports.ts';
import { enrolTotp } from '../helpers/console-totp.ts';
import { openCallback, ssoRoundTrip } from '../helpers/sso-browser.ts';
import { SESSION_COOKIE } from '../../server/accounts/session-cookie.ts';
import { SSO_STATE_COOKIE } from '../../server/accounts/sso-state-cookie.ts';
import type { SessionInfo, SsoInfo } from '../../common/console-wire.ts';
import { lastAuditEntry } from '../helpers/console-client.ts';

forEachStore((store) => {
  describe('console single sign-on', () => {
    let sso: SsoWorld;
    let idp: TestIdp;
    let world: ConsoleWorld;
    beforeAll(async () => {
      sso = await startSsoWorld(store.env(), { OIDC_LABEL: 'Sign in with Test IdP' });
      ({ idp, world } = sso);
    }, 120_000);
    afterAll(() => sso?.close());

    const sessionOf = async (res: Response) => {
      const token = res.headers.getSetCookie().map((c) => (c.startsWith(`${SESSION_COOKIE}=`) ? c.slice(SESSION_COOKIE.length + 1).split(';')[0] : '')).find(Boolean);
      const client = world.client();
      client.cookie = token ?? null;
      return { token, answer: await client.request<SessionInfo>('GET', '/session') };
    };

    const lastAudit = (action: string) => lastAuditEntry(world.admin, action);

    it('says the button is there and what it reads', async () => {
      const info = await world.client().request<SsoInfo>('GET', '/sso');
      expect(info.body).toEqual({ enabled: true, label: 'Sign in with Test IdP' });
    });

    it('links an invited user by verified e-mail on first login, by iss|sub after; the role is the console\'s, never the claim', async () => {
      expect((await world.admin.request('POST', '/users', { email: 'olga@example.test', displayName: 'Olga', role: 'operator', bots: [] })).status).toBe(202);
      const olga = await world.userId('olga@example.test');
      idp.accounts.set('olga-sub', { email: 'olga@example.test', email_verified: true, role: 'administrator' });

      const first = await openCallback(await ssoRoundTrip(world.url, 'olga-sub'));
      expect(first.status).toBe(302);
      expect(first.headers.get('location')).toBe('/console/');
      const { token, answer } = await sessionOf(first);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(answer.status).toBe(200);
      expect(answer.body.user).toMatchObject({ id: olga, role: 'operator', pending: false });
      // The same cookie as a password login: __Host-, HttpOnly, Secure, SameSite=Strict.
      expect(first.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(/; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
      // The operator may not manage users, whatever the IdP said.
      const client = world.client();
      client.cookie = token!;
      expect((await client.request('GET', '/users')).status).toBe(403);
      expect(await lastAudit('login')).toMatchObject({ actor: olga, outcome: 'ok', details: { method: 'sso' } });

      // Later: the IdP changes the address; `iss|sub` still finds her.
      idp.accounts.set('olga-sub', { email: 'someone-else@example.test', email_verified: true, role: 'administrator' });
      const again = await sessionOf(await openCallback(await ssoRoundTrip(world.url, 'olga-sub')));
      expect(again.answer.body.user).toMatchObject({ id: olga, role: 'operator' });
    });

    const expectFailure = async (res: Response, code: string) => {
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/console/#sso-error=${code}`);
      expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
      expect(await lastAudit('login.failed')).toMatchObject({ outcome: 'failed', details: { method: 'sso', reason: code } });
    };

    it('refuses a return whose state is not the one its cookie holds, and a forged cookie', async () => {
      await world.staff('sam@example.test', 'operator');
      idp.accounts.set('sam-sub', { email: 'sam@example.test', email_verified: true });
      const mine = await ssoRoundTrip(world.url, 'sam-sub');
      const other = await ssoRoundTrip(world.url, 'sam-sub');
      // Login CSRF: someone else's code and state, opened with my cookie.
      await expectFailure(await openCallback(other, mine.stateCookie), 'state_mismatch');
      await expectFailure(await openCallback(mine, `${mine.stateCookie.slice(0, -4)}AAAA`), 'state_mismatch');
      await expectFailure(await openCallback(mine, ''), 'state_mismatch');
    });

    it('refuses a replayed callback', async () => {
      idp.accounts.set('sam-sub', { email: 'sam@example.test', email_verified: true });
      const back = await ssoRoundTrip(world.url, 'sam-sub');
      const first = await openCallback(back);
      expect(first.headers.get('location')).toBe('/console/');
      // The state cookie is cleared by the first answer.
      expect(first.headers.getSetCookie()).toContain(`${SSO_STATE_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0`);
      // A replay with the cookie kept (a copied request): the IdP's code is spent.
      await expectFailure(await openCallback(back), 'sso_failed');
    });

    it('refuses an e-mail the IdP has not verified, and links nothing', async () => {
      await world.staff('una@example.test', 'operator');
      idp.accounts.set('una-sub', { email: 'una@example.test', email_verified: false });
      await expectFailure(await openCallback(await ssoRoundTrip(world.url, 'una-sub')), 'email_not_verified');
      // Nor does it count later: the link was never made.
      idp.accounts.set('una-sub', { email: 'nobody@example.test', email_verified: true });
      await expectFailure(await openCallback(await ssoRoundTrip(world.url, 'una-sub')), 'unknown_user');
    });

    it('never creates a user for an unknown address', async () => {
      idp.accounts.set('stranger', { email: 'stranger@example.test', email_verified: true, role: 'administrator' });
      await expectFailure(await openCallback(await ssoRoundTrip(world.url, 'stranger')), 'unknown_user');
      const users = (await world.admin.request<{ users: { email: string }[] }>('GET', '/users')).body.users;
      expect(users.map((u) => u.email)).not.toContain('stranger@example.test');
    });

    it('refuses a disabled user, linked or not', async () => {
      const linked = await world.staff('dina@example.test', 'supervisor');
      idp.accounts.set('dina-sub', { email: 'dina@example.test', email_verified: true });
      expect((await openCallback(await ssoRoundTrip(world.url, 'dina-sub'))).headers.get('location')).toBe('/console/');
      expect((await world.admin.request('PATCH', `/users/${linked.id}`, { disabled: true })).status).toBe(200);
      await expectFailure(await openCallback(await ssoRoundTrip(world.url, 'dina-sub')), 'disabled');

      const unlinked = await world.staff('ed@example.test', 'operator');
      expect((await world.admin.request('PATCH', `/users/${unlinked.id}`, { disabled: true })).status).toBe(200);
      idp.accounts.set('ed-sub', { email: 'ed@example.test', email_verified: true });
      await expectFailure(await openCallback(await ssoRoundTrip(world.url, 'ed-sub')), 'disabled');
    });

    // Last: it gives the administrator a second factor and turns the policy on (and off again).
    it('while a second factor is required of everyone, an SSO session without one may only enrol: the gate looks at the user, not at how they signed in', async () => {
      await enrolTotp(world.admin);
      expect((await world.admin.request('PATCH', '/settings', { requireTotp: true })).status).toBe(200);
      try {
        expect((await world.admin.request('POST', '/users', { email: 'gina@example.test', displayName: 'Gina', role: 'operator', bots: [] })).status).toBe(202);
        idp.accounts.set('gina-sub', { email: 'gina@example.test', email_verified: true });
        const { token, answer } = await sessionOf(await openCallback(await ssoRoundTrip(world.url, 'gina-sub')));
        expect(answer.body.mustEnrollTotp).toBe(true);
        const gina = world.client();
        gina.cookie = token!;
        gina.csrfToken = answer.body.csrfToken;
        const gated = await gina.request('POST', '/password', { current: 'none at all 123', next: 'a brand new passphrase 99' });
        expect([gated.status, (gated.body as { error: { code: string } }).error.code]).toEqual([403, 'totp_enrolment_required']);
        expect((await gina.request('POST', '/totp/enroll', {})).status).toBe(200);
      } finally {
        expect((await world.admin.request('PATCH', '/settings', { requireTotp: false })).status).toBe(200);
      }
    });
  });
});

describe('console single sign-on at start', () => {
  it('stops the start with one line when the issuer cannot be discovered', async () => {
    const closed = await freePort();
    const started = startInProcess({ OIDC_ISSUER: `http://127.0.0.1:${closed}`, OIDC_CLIENT_ID: 'parley' });
    await expect(started).rejects.toThrow(new RegExp(`^OIDC_ISSUER: cannot discover http://127\\.0\\.0\\.1:${closed}/ \\([^\\n]+\\)$`));
  });

  it('offers no button, and no start, without OIDC_ISSUER', async () => {
    const world = await startConsoleWorld({});
    try {
      expect((await world.client().request('GET', '/sso')).body).toEqual({ enabled: false, label: null });
      const start = await world.client().request('GET', '/sso/start');
      expect(start.status).toBe(404);
      expect((start.body as { error: { code: string } }).error.code).toBe('not_found');
    } finally {
      await world.close();
    }
  }, 60_000);
});
