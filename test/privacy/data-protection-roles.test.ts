// Issue 15: who may reach data protection's console routes, every role on every route over real
// HTTP, both stores. Bots' settings (`bots.settings`) and data subjects' requests
// (`subjects.export-erase`) are administrators' alone: a supervisor of the bot and an operator of it
// are refused 403 forbidden with nothing read or changed, and the refusal is in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import type { BotSettingsView } from '../../common/data-protection-wire.ts';
import type { AuditEntryView, ConsoleRole as Role } from '../../common/console-wire.ts';
import type { SessionResponse } from '../../common/wire.ts';

interface Route {
  method: string;
  path: string;
  action: 'bots.settings' | 'subjects.export-erase';
  /** A request an administrator may make; a fresh one per call (a conversation to erase is erased once). */
  body?: () => Promise<unknown>;
  allowed: number;
}

forEachStore((store) => {
  describe('data protection: every role on every route', () => {
    let world: ConsoleWorld;
    const clients = {} as Record<Role, ConsoleClient>;

    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
      clients.administrator = world.admin;
      clients.supervisor = (await world.staff('sup@example.test', 'supervisor', ['demo'])).client;
      clients.operator = (await world.staff('op@example.test', 'operator', ['demo'])).client;
    }, 120_000);
    afterAll(() => world?.close());

    async function conversation(): Promise<SessionResponse> {
      const session = await openSession(world.url);
      expect((await send(world.url, session.token, 'c1', 'What are your opening hours?')).status).toBe(202);
      await waitForHistory(world.url, session.token, (m) => m.length >= 3);
      return session;
    }
    const settings = async () => (await world.admin.request<BotSettingsView>('GET', '/bot-settings/demo')).body;

    const ROUTES: Route[] = [
      { method: 'GET', path: '/bot-settings', action: 'bots.settings', allowed: 200 },
      { method: 'GET', path: '/bot-settings/demo', action: 'bots.settings', allowed: 200 },
      {
        method: 'PUT',
        path: '/bot-settings/demo',
        action: 'bots.settings',
        body: async () => {
          const current = await settings();
          return { version: current.version, settings: current.settings };
        },
        allowed: 200,
      },
      { method: 'POST', path: '/subjects/export', action: 'subjects.export-erase', body: async () => ({ conversationId: (await conversation()).conversationId }), allowed: 200 },
      { method: 'POST', path: '/subjects/erase', action: 'subjects.export-erase', body: async () => ({ conversationId: (await conversation()).conversationId }), allowed: 200 },
    ];

    for (const route of ROUTES) {
      for (const role of ['supervisor', 'operator'] as const) {
        it(`${role} of the bot: ${route.method} ${route.path} is 403 forbidden, audited as denied, and reads or changes nothing`, async () => {
          const before = await settings();
          const body = await route.body?.();
          const answer = await clients[role].request(route.method, route.path, body);
          expect(answer.status).toBe(403);
          expect(answer.body).toEqual({ error: { code: 'forbidden', message: 'Your role may not do this' } });
          const denied = await world.admin.request<{ entries: AuditEntryView[] }>('GET', `/audit?action=${route.action}&limit=1000`);
          expect(denied.body.entries.at(-1)).toMatchObject({ action: route.action, outcome: 'denied', details: { method: route.method } });
          expect(await settings()).toEqual(before);
          const conversationId = (body as { conversationId?: string } | undefined)?.conversationId;
          if (conversationId) expect((await world.admin.request('POST', '/subjects/export', { conversationId })).status).toBe(200);
        });
      }
      it(`administrator: ${route.method} ${route.path} is allowed (${route.allowed})`, async () => {
        const answer = await clients.administrator.request(route.method, route.path, await route.body?.());
        expect(answer.status).toBe(route.allowed);
      });
      it(`signed out: ${route.method} ${route.path} is refused`, async () => {
        const answer = await world.client().request(route.method, route.path, await route.body?.());
        // No session: a state change has no CSRF token either.
        expect(answer.status).toBe(route.method === 'GET' ? 401 : 403);
        expect((answer.body as { error: { code: string } }).error.code).toBe(route.method === 'GET' ? 'not_signed_in' : 'csrf');
      });
    }

    it('the visitor’s own export takes a visitor token only: a console session is no token', async () => {
      const session = await conversation();
      const res = await fetch(new URL('/api/v1/conversation/export', world.url), { headers: { Cookie: `__Host-parley_console=${world.admin.cookie}` } });
      expect(res.status).toBe(401);
      expect((await history(world.url, session.token)).length).toBeGreaterThan(0);
    });
  });
});
