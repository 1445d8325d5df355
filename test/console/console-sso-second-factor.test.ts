// Issue 13: single sign-on for a user who has a second factor, through a real OpenID Connect
// provider (oidc-provider, in-process on loopback) over real HTTP, on both stores. The IdP's login
// alone opens no session: the callback leaves a short-lived, single-use pending sign-in bound to
// this browser's cookie, and only a TOTP or recovery code (spent in the store as at a password
// login) turns it into a session. A wrong code counts toward the account's lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, type ConsoleWorld } from '../helpers/console-setup.ts';
import type { TestIdp } from '../helpers/oidc-idp.ts';
import { startSsoWorld, type SsoWorld } from '../helpers/sso-world.ts';
import { enrolTotp, phoneCode } from '../helpers/console-totp.ts';
import { openCallback, ssoRoundTrip } from '../helpers/sso-browser.ts';
import { lastAuditEntry, type ConsoleClient } from '../helpers/console-client.ts';
import { SESSION_COOKIE } from '../../server/accounts/session-cookie.ts';
import type { SessionInfo } from '../../common/console-wire.ts';

/** Spelled out, not imported: the name (and its __Host- prefix) is part of what is tested. */
const PENDING = '__Host-parley_sso_pending';

const errorCode = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;
const setCookie = (headers: Headers, name: string) => headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
const cookieValue = (set: string | undefined) => set?.slice(set.indexOf('=') + 1).split(';')[0];

forEachStore((store) => {
  describe('console single sign-on with a second factor', () => {
    let sso: SsoWorld;
    let idp: TestIdp;
    let world: ConsoleWorld;
    beforeAll(async () => {
      sso = await startSsoWorld(store.env());
      ({ idp, world } = sso);
    }, 120_000);
    afterAll(() => sso?.close());

    /** A console user with TOTP whose IdP account `sub` has their verified address (linked at the first SSO login). */
    async function enrolledSsoUser(email: string, sub: string) {
      const { client, id } = await world.staff(email, 'operator');
      idp.accounts.set(sub, { email, email_verified: true });
      const { secret, codes } = await enrolTotp(client);
      return { id, secret, codes };
    }

    /** The IdP round trip and Parley's callback as the browser opens it, not following its redirect. */
    const callback = async (sub: string): Promise<Response> => openCallback(await ssoRoundTrip(world.url, sub));

    /** The pending sign-in's cookie value a callback set. */
    async function pendingSignIn(sub: string): Promise<string> {
      const value = cookieValue(setCookie((await callback(sub)).headers, PENDING));
      if (!value) throw new Error('the callback set no pending sign-in');
      return value;
    }

    /** The code form's request, from a browser holding `pending` (or no such cookie). */
    const finish = (pending: string | undefined, code: string, client: ConsoleClient = world.client()) =>
      client.request<SessionInfo>('POST', '/sso/second-factor', { code }, pending === undefined ? {} : { Cookie: `${PENDING}=${pending}` });

    const lastAudit = (action: string) => lastAuditEntry(world.admin, action);

    it('the IdP alone does not sign a TOTP user in: the callback opens no session and asks for the code, which finishes the sign-in once', async () => {
      const tess = await enrolledSsoUser('tess@example.test', 'tess-sub');
      const back = await callback('tess-sub');
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toBe('/console/#sso-second-factor');
      expect(setCookie(back.headers, SESSION_COOKIE)).toBeUndefined();
      // Bound to this browser: __Host-, HttpOnly, Strict, gone in 5 minutes.
      const set = setCookie(back.headers, PENDING);
      expect(set).toMatch(/^__Host-parley_sso_pending=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=300$/);
      expect(await lastAudit('login.pending')).toMatchObject({ actor: tess.id, target: tess.id, outcome: 'ok', details: { method: 'sso' } });

      const browser = world.client();
      const code = await phoneCode(tess.secret, 1); // the enrolment code's step is spent
      const done = await finish(cookieValue(set), code, browser);
      expect(done.status).toBe(200);
      expect(done.body.user).toMatchObject({ id: tess.id, role: 'operator', totpEnabled: true });
      expect(done.headers.getSetCookie()).toContain(`${PENDING}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`);
      expect((await browser.request('GET', '/session')).status).toBe(200);
      expect(await lastAudit('login')).toMatchObject({ actor: tess.id, outcome: 'ok', details: { method: 'sso' } });

      // Single use: the same pending sign-in again, even with a good code, is gone.
      const replay = await finish(cookieValue(set), await phoneCode(tess.secret, 1));
      expect([replay.status, errorCode(replay)]).toEqual([401, 'sso_expired']);
      expect(setCookie(replay.headers, SESSION_COOKIE)).toBeUndefined();
      // A fresh IdP login with the TOTP code already used: refused, as at a password login.
      const reused = await finish(await pendingSignIn('tess-sub'), code);
      expect([reused.status, errorCode(reused)]).toEqual([401, 'invalid_credentials']);
    });

    it('no pending sign-in, a forged one or a malformed one is 401 sso_expired and opens nothing', async () => {
      for (const pending of [undefined, 'A'.repeat(43), 'not a token', '']) {
        const answer = await finish(pending, '123456');
        expect([pending, answer.status, errorCode(answer)]).toEqual([pending, 401, 'sso_expired']);
        expect(setCookie(answer.headers, SESSION_COOKIE)).toBeUndefined();
      }
      expect(await lastAudit('login.failed')).toMatchObject({ actor: null, outcome: 'failed', details: { method: 'sso', reason: 'expired' } });
    });

    it('a wrong code spends the pending sign-in and counts toward the lock like a wrong password; locked, the right code is refused until an administrator unlocks', async () => {
      const lou = await enrolledSsoUser('lou@example.test', 'lou-sub');
      for (let attempt = 1; attempt <= 5; attempt++) {
        const pending = await pendingSignIn('lou-sub');
        const wrong = await finish(pending, '12345');
        expect([attempt, wrong.status, errorCode(wrong)]).toEqual([attempt, 401, 'invalid_credentials']);
        expect(await lastAudit('login.failed')).toMatchObject({ target: lou.id, details: { method: 'sso', reason: 'second-factor' } });
        // One try per pending sign-in: a second code needs another round through the IdP.
        expect(errorCode(await finish(pending, await phoneCode(lou.secret, 1)))).toBe('sso_expired');
      }
      expect(await lastAudit('user.lock')).toMatchObject({ target: lou.id, details: { failedLogins: 5 } });
      const locked = await finish(await pendingSignIn('lou-sub'), await phoneCode(lou.secret, 1));
      expect([locked.status, errorCode(locked)]).toEqual([401, 'invalid_credentials']);
      expect(setCookie(locked.headers, SESSION_COOKIE)).toBeUndefined();
      // The same lock as the password's: the password login is refused too.
      expect((await world.client().login('lou@example.test', PASSWORD, await phoneCode(lou.secret, 1))).status).toBe(401);

      expect((await world.admin.request('PATCH', `/users/${lou.id}`, { unlock: true })).status).toBe(200);
      const unlocked = await finish(await pendingSignIn('lou-sub'), await phoneCode(lou.secret, 1));
      expect(unlocked.status).toBe(200);
    });

    it('a recovery code finishes the sign-in, once', async () => {
      const rio = await enrolledSsoUser('rio@example.test', 'rio-sub');
      expect((await finish(await pendingSignIn('rio-sub'), rio.codes[0]!)).status).toBe(200);
      const again = await finish(await pendingSignIn('rio-sub'), rio.codes[0]!);
      expect([again.status, errorCode(again)]).toEqual([401, 'invalid_credentials']);
    });

    it('a user disabled between the IdP and the code is refused', async () => {
      const dee = await enrolledSsoUser('dee@example.test', 'dee-sub');
      const pending = await pendingSignIn('dee-sub');
      expect((await world.admin.request('PATCH', `/users/${dee.id}`, { disabled: true })).status).toBe(200);
      const refused = await finish(pending, await phoneCode(dee.secret, 1));
      expect([refused.status, errorCode(refused)]).toEqual([401, 'invalid_credentials']);
      expect(setCookie(refused.headers, SESSION_COOKIE)).toBeUndefined();
    });

    // Last: it gives the administrator a second factor and turns the policy on (and off again).
    it('while a second factor is required of everyone, an SSO user without one signs in and may only enrol; once enrolled, SSO asks for the code', async () => {
      await enrolTotp(world.admin);
      expect((await world.admin.request('PATCH', '/settings', { requireTotp: true })).status).toBe(200);
      try {
        expect((await world.admin.request('POST', '/users', { email: 'nia@example.test', displayName: 'Nia', role: 'operator', bots: [] })).status).toBe(202);
        idp.accounts.set('nia-sub', { email: 'nia@example.test', email_verified: true });
        const first = await callback('nia-sub');
        expect(first.headers.get('location')).toBe('/console/');
        const nia = world.client();
        nia.cookie = cookieValue(setCookie(first.headers, SESSION_COOKIE)) ?? null;
        const info = await nia.request<SessionInfo>('GET', '/session');
        expect(info.body.mustEnrollTotp).toBe(true);
        const { secret } = await enrolTotp(nia);

        const next = await callback('nia-sub');
        expect(next.headers.get('location')).toBe('/console/#sso-second-factor');
        expect(setCookie(next.headers, SESSION_COOKIE)).toBeUndefined();
        const done = await finish(cookieValue(setCookie(next.headers, PENDING)), await phoneCode(secret, 1));
        expect([done.status, done.body.mustEnrollTotp]).toEqual([200, false]);
      } finally {
        expect((await world.admin.request('PATCH', '/settings', { requireTotp: false })).status).toBe(200);
      }
    });
  });
});
