// Issue 13: every role × action cell of the console routes, denied and allowed, over real HTTP,
// and CSRF on every state-changing route, found by walking the console router's own route list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import type { ConsoleRole } from '../../common/console-wire.ts';
import { walkCsrf } from '../helpers/csrf-routes.ts';
import { consoleRouter } from '../../server/http/routes/console/router.ts';
import type { AppDeps } from '../../server/http/deps.ts';

/** Administrator-only routes with a request that is valid for an administrator, and what the administrator gets. */
const ADMIN_ROUTES: Array<{ method: string; path: string; body?: unknown; allowed: number }> = [
  { method: 'GET', path: '/users', allowed: 200 },
  { method: 'POST', path: '/users', body: { email: 'new@example.test', displayName: 'New', role: 'operator', bots: ['demo'] }, allowed: 202 },
  { method: 'PATCH', path: '/users/SUBJECT', body: { bots: ['demo', 'other'] }, allowed: 200 },
  { method: 'GET', path: '/audit', allowed: 200 },
  { method: 'GET', path: '/audit/export', allowed: 200 },
  { method: 'GET', path: '/settings', allowed: 200 },
  { method: 'PATCH', path: '/settings', body: { requireTotp: false }, allowed: 200 },
];

forEachStore((store) => {
  describe('console roles over HTTP', () => {
    let world: ConsoleWorld;
    const clients = {} as Record<ConsoleRole, ConsoleClient>;
    let subjectId: string;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
      clients.administrator = world.admin;
      clients.supervisor = (await world.staff('sup@example.test', 'supervisor', ['demo'])).client;
      clients.operator = (await world.staff('op@example.test', 'operator', ['demo'])).client;
      subjectId = (await world.staff('subject@example.test', 'operator', ['demo'])).id;
    }, 120_000);
    afterAll(() => world?.close());

    for (const route of ADMIN_ROUTES) {
      for (const role of ['supervisor', 'operator'] as const) {
        it(`${role}: ${route.method} ${route.path} is refused 403 forbidden and recorded as denied`, async () => {
          const answer = await clients[role].request(route.method, route.path.replace('SUBJECT', subjectId), route.body);
          expect(answer.status).toBe(403);
          expect(answer.body).toEqual({ error: { code: 'forbidden', message: 'Your role may not do this' } });
        });
      }
      it(`administrator: ${route.method} ${route.path} is allowed (${route.allowed})`, async () => {
        const answer = await clients.administrator.request(route.method, route.path.replace('SUBJECT', subjectId), route.body);
        expect(answer.status).toBe(route.allowed);
      });
      it(`signed out: ${route.method} ${route.path} is 401 not_signed_in`, async () => {
        const answer = await world.client().request(route.method, route.path.replace('SUBJECT', subjectId), route.body);
        expect(answer.status).toBe(route.method === 'GET' ? 401 : 403); // no session: a state change has no CSRF token either
        expect((answer.body as { error: { code: string } }).error.code).toBe(route.method === 'GET' ? 'not_signed_in' : 'csrf');
      });
    }

    it('every role: its own session (GET /session) is allowed', async () => {
      for (const [role, client] of Object.entries(clients)) {
        const answer = await client.request<{ user: { role: string } }>('GET', '/session');
        expect(answer.status).toBe(200);
        expect(answer.body.user.role).toBe(role);
      }
    });

    it('the refusals are in the audit log as denied, with the actor', async () => {
      const answer = await world.admin.request<{ entries: Array<{ action: string; outcome: string; actor: string }> }>('GET', '/audit?action=users.manage&limit=1000');
      expect(answer.body.entries.filter((e) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(6);
    });

    it('CSRF: every state-changing route of the console router refuses a request without the token (403 csrf); only login, set-password, the reset request and the SSO code go without one', async () => {
      const router = consoleRouter({ publicUrl: world.url } as AppDeps);
      const walker = world.client();
      expect((await walker.login('root@example.test', 'correct horse battery staple 42')).status).toBe(200);
      const walk = await walkCsrf(router, world.url, { headers: { Cookie: `__Host-parley_console=${walker.cookie}` } });
      expect(walk.checked.length).toBeGreaterThanOrEqual(9);
      expect(walk.escaped.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        'POST /api/v1/console/password/reset',
        'POST /api/v1/console/password/set',
        'POST /api/v1/console/session',
        'POST /api/v1/console/sso/second-factor',
      ]);
      // Those answered for their bodies (400), not by running: and the session still lives.
      expect(walk.escaped.every((r) => r.status === 400)).toBe(true);
      expect((await walker.request('GET', '/session')).status).toBe(200);
    });

    it('CSRF: login, set-password, the reset request and the SSO code refuse a foreign Origin, a cross-site fetch and a form body', async () => {
      const c = world.client();
      for (const path of ['/session', '/password/set', '/password/reset', '/sso/second-factor']) {
        const foreign = await c.request('POST', path, { email: 'root@example.test', password: 'x' }, { Origin: 'https://evil.example' });
        const crossSite = await c.request('POST', path, { email: 'root@example.test', password: 'x' }, { 'Sec-Fetch-Site': 'cross-site' });
        const form = await c.request('POST', path, 'email=root%40example.test&password=x', { 'Content-Type': 'application/x-www-form-urlencoded' });
        for (const answer of [foreign, crossSite, form]) {
          expect(answer.status).toBe(403);
          expect((answer.body as { error: { code: string } }).error.code).toBe('csrf');
        }
      }
    });
  });
});
