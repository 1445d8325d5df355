// Issue 13: console sessions and logins over real HTTP, on both stores: fixation, expiry, replay,
// disabling, password change and "log out everywhere" ending the other browser, brute force and
// its lock, enumeration, malformed bodies, the last administrator, audit entries and the chain.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { linkToken } from '../helpers/console-client.ts';
import type { ConsoleUserView } from '../../common/console-wire.ts';

const code = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;

forEachStore((store) => {
  describe('console sessions over HTTP', () => {
    let world: ConsoleWorld;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
    }, 120_000);
    afterAll(() => world?.close());

    it('create-admin refuses an address that exists, and its link sets the password only once', async () => {
      const again = await world.cli(['create-admin', 'root@example.test']);
      expect(again.code).toBe(1);
      expect(again.err.join('\n')).toMatch(/exists already/);
      const made = await world.cli(['create-admin', 'second@example.test']);
      expect(made.code).toBe(0);
      expect(made.out[1]).toMatch(new RegExp(`^${world.url}/console/#set-password=[A-Za-z0-9_-]{43}$`));
      const c = world.client();
      expect((await c.request('POST', '/password/set', { token: linkToken(made.out[1]!), password: PASSWORD })).status).toBe(204);
      const replay = await c.request('POST', '/password/set', { token: linkToken(made.out[1]!), password: `${PASSWORD}!` });
      expect(replay.status).toBe(400);
      expect(code(replay)).toBe('invalid_link');
      expect((await c.login('second@example.test', PASSWORD)).status).toBe(200);
    });

    it('an invitation e-mailed through a real SMTP server sets the password once', async () => {
      const { client } = await world.staff('invited@example.test', 'operator', ['demo']);
      expect((await client.request('GET', '/session')).status).toBe(200);
      const link = await world.smtp.linkFor('invited@example.test');
      const reuse = await world.client().request('POST', '/password/set', { token: linkToken(link), password: 'another long passphrase 7' });
      expect(code(reuse)).toBe('invalid_link');
    });

    it('session fixation: a cookie planted before login is not the one after, and is no session', async () => {
      const c = world.client();
      const planted = randomBytes(32).toString('base64url');
      c.cookie = planted;
      expect((await c.login('root@example.test', PASSWORD)).status).toBe(200);
      expect(c.cookie).not.toBe(planted);
      const attacker = world.client();
      attacker.cookie = planted;
      expect((await attacker.request('GET', '/session')).status).toBe(401);
    });

    it('a session cookie replayed after logout is 401', async () => {
      const c = world.client();
      await c.login('root@example.test', PASSWORD);
      const copy = c.cookie;
      expect((await c.request('DELETE', '/session')).status).toBe(204);
      const thief = world.client();
      thief.cookie = copy;
      const answer = await thief.request('GET', '/session');
      expect(answer.status).toBe(401);
      expect(code(answer)).toBe('not_signed_in');
    });

    it('a disabled user is 401 on their very next request; enabling does not revive the session', async () => {
      const { client, id } = await world.staff('todisable@example.test', 'supervisor', ['demo']);
      expect((await world.admin.request('PATCH', `/users/${id}`, { disabled: true })).status).toBe(200);
      expect((await client.request('GET', '/session')).status).toBe(401);
      expect((await world.admin.request('PATCH', `/users/${id}`, { disabled: false })).status).toBe(200);
      expect((await client.request('GET', '/session')).status).toBe(401);
    });

    it('a role change ends the user’s sessions', async () => {
      const { client, id } = await world.staff('promoted@example.test', 'operator', ['demo']);
      expect((await world.admin.request('PATCH', `/users/${id}`, { role: 'supervisor' })).status).toBe(200);
      expect((await client.request('GET', '/session')).status).toBe(401);
    });

    it('a change of bots ends the user’s sessions; saving the same role and bots again does not', async () => {
      const { client, id } = await world.staff('rebotted@example.test', 'operator', ['demo']);
      expect((await world.admin.request('PATCH', `/users/${id}`, { role: 'operator', bots: ['demo'] })).status).toBe(200);
      expect((await client.request('GET', '/session')).status).toBe(200);
      expect((await world.admin.request('PATCH', `/users/${id}`, { role: 'operator', bots: ['shop'] })).status).toBe(200);
      expect((await client.request('GET', '/session')).status).toBe(401);
    });

    it('a password change ends the other browser’s session and gives this one a fresh cookie', async () => {
      const { client: one } = await world.staff('changer@example.test', 'operator', ['demo']);
      const two = world.client();
      await two.login('changer@example.test', PASSWORD);
      const before = one.cookie;
      const changed = await one.request('POST', '/password', { current: PASSWORD, next: 'a brand new passphrase 99' });
      expect(changed.status).toBe(200);
      expect(one.cookie).not.toBe(before);
      expect((await one.request('GET', '/session')).status).toBe(200);
      expect((await two.request('GET', '/session')).status).toBe(401);
      const wrong = await one.request('POST', '/password', { current: 'not it at all 123', next: 'yet another passphrase 5' });
      expect(code(wrong)).toBe('wrong_password');
    });

    it('log out everywhere ends every session of the user, the other browser’s too', async () => {
      const { client: one } = await world.staff('everywhere@example.test', 'operator', ['demo']);
      const two = world.client();
      await two.login('everywhere@example.test', PASSWORD);
      expect((await one.request('POST', '/session/end-all')).status).toBe(204);
      expect((await one.request('GET', '/session')).status).toBe(401);
      expect((await two.request('GET', '/session')).status).toBe(401);
    });

    it('unknown address, wrong password, disabled and locked get one identical 401', async () => {
      const { id } = await world.staff('disabled2@example.test', 'operator', ['demo']);
      await world.admin.request('PATCH', `/users/${id}`, { disabled: true });
      const answers = [
        await world.client().login('nobody@example.test', PASSWORD),
        await world.client().login('root@example.test', 'wrong password here'),
        await world.client().login('disabled2@example.test', PASSWORD),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong e-mail address or password' } });
      }
    });

    it('brute force: 5 failures lock the account (the right password then gets the same 401), then 429; an administrator lifts it', async () => {
      const { id } = await world.staff('victim@example.test', 'operator', ['demo']);
      const attacker = world.client();
      const statuses: number[] = [];
      // The account's budget is 10 attempts per 15 min; its first was the login in staff().
      for (let i = 0; i < 8; i++) statuses.push((await attacker.login('victim@example.test', `guess number ${i} wrong`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
      const locked = await world.client().login('victim@example.test', PASSWORD);
      expect(locked.status).toBe(401);
      expect(code(locked)).toBe('invalid_credentials');
      const limited = await world.client().login('victim@example.test', PASSWORD);
      expect(limited.status).toBe(429);
      expect(code(limited)).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await world.admin.request('PATCH', `/users/${id}`, { unlock: true })).status).toBe(200);
      expect((await world.client().login('victim@example.test', PASSWORD)).status).toBe(200);
    });

    it('malformed bodies are 400 invalid_request and change nothing', async () => {
      const before = await world.admin.request<{ users: ConsoleUserView[] }>('GET', '/users');
      const target = before.body.users.find((u) => u.email === 'root@example.test')!;
      const bad: Array<[string, string, unknown]> = [
        ['POST', '/users', { email: 'x@example.test', displayName: 'X', role: 'owner', bots: [] }],
        ['POST', '/users', { email: 'x@example.test', displayName: 'X', role: 'operator', bots: [], passwordHash: 'h' }],
        ['POST', '/users', { email: { $gt: '' }, displayName: 'X', role: 'operator', bots: [] }],
        ['PATCH', `/users/${target.id}`, { role: 'administrator', sessionVersion: 0 }],
        ['PATCH', `/users/${target.id}`, {}],
        ['PATCH', `/users/${target.id}`, { disabled: 'yes' }],
        ['POST', '/session', { email: 'root@example.test' }],
        ['POST', '/password', { current: PASSWORD }],
        ['POST', '/totp/confirm', { code: 123456 }],
        ['PATCH', `/users/${target.id}`, '{"role":'],
      ];
      for (const [method, path, body] of bad) {
        const answer = await world.admin.request(method, path, body);
        expect([method, path, answer.status]).toEqual([method, path, 400]);
      }
      const after = await world.admin.request<{ users: ConsoleUserView[] }>('GET', '/users');
      expect(after.body).toEqual(before.body);
    });

    it('the last active administrator cannot be disabled or demoted (409)', async () => {
      const users = (await world.admin.request<{ users: ConsoleUserView[] }>('GET', '/users')).body.users;
      // Disable every other administrator first, so root is the last one.
      for (const u of users.filter((u) => u.role === 'administrator' && u.email !== 'root@example.test' && !u.disabled)) {
        expect((await world.admin.request('PATCH', `/users/${u.id}`, { disabled: true })).status).toBe(200);
      }
      for (const patch of [{ disabled: true }, { role: 'operator' }]) {
        const answer = await world.admin.request('PATCH', `/users/${world.adminId}`, patch);
        expect(answer.status).toBe(409);
        expect(code(answer)).toBe('last_administrator');
      }
      expect((await world.admin.request('GET', '/session')).status).toBe(200);
    });

    it('every action above is in the audit log, with no secret in it, and audit-verify finds the chain intact', async () => {
      const exported = await world.admin.request<string>('GET', '/audit/export');
      expect(exported.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      const entries = exported.body.trim().split('\n').map((line) => JSON.parse(line) as { action: string; outcome: string; ip: string | null });
      const actions = new Set(entries.map((e) => `${e.action}:${e.outcome}`));
      for (const expected of ['user.create:ok', 'user.create:failed', 'password.set:ok', 'password.set:failed', 'login:ok', 'login.failed:failed', 'logout:ok',
        'logout.everywhere:ok', 'password.change:ok', 'password.change:failed', 'user.invite:ok', 'user.disable:ok', 'user.enable:ok', 'user.role:ok',
        'user.lock:ok', 'user.unlock:ok', 'user.update:denied']) {
        expect(actions, expected).toContain(expected);
      }
      expect(entries.filter((e) => e.action === 'login').every((e) => e.ip !== null)).toBe(true);
      expect(exported.body).not.toContain(PASSWORD);
      expect(exported.body).not.toContain('guess number');
      const verify = await world.cli(['audit-verify']);
      expect(verify.code).toBe(0);
      expect(verify.out[0]).toMatch(/^audit log intact: \d+ entries$/);
    });

    // Last: moving the clock 8 h on expires every session, and the store may sweep them all.
    it('expired sessions are 401: idle after 30 min, absolute after 8 h (fake clock)', async () => {
      const c = world.client();
      await c.login('root@example.test', PASSWORD);
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      try {
        vi.setSystemTime(Date.now() + 29 * 60_000);
        expect((await c.request('GET', '/session')).status).toBe(200);
        // Kept alive every 29 minutes, it still ends 8 h after login.
        for (let i = 0; i < 15; i++) {
          vi.setSystemTime(Date.now() + 29 * 60_000);
          expect((await c.request('GET', '/session')).status).toBe(200);
        }
        vi.setSystemTime(Date.now() + 29 * 60_000);
        expect((await c.request('GET', '/session')).status).toBe(401);
        const idle = world.client();
        await idle.login('root@example.test', PASSWORD);
        vi.setSystemTime(Date.now() + 30 * 60_000);
        expect((await idle.request('GET', '/session')).status).toBe(401);
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
