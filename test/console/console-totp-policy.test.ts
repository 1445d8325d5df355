// Issue 13: "a second factor for everyone", over real HTTP on both stores. An administrator sets it
// (audited); from then on a signed-in user without TOTP is told to enrol (SessionInfo.mustEnrollTotp)
// and refused every console route but enrolment, their session and logout, until they enrol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { enrolTotp as enrol } from '../helpers/console-totp.ts';
import type { ConsoleSettings, SessionInfo } from '../../common/console-wire.ts';

const code = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;

forEachStore((store) => {
  describe('console 2FA-for-everyone policy over HTTP', () => {
    let world: ConsoleWorld;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
    }, 120_000);
    afterAll(() => world?.close());

    it('an administrator without a second factor cannot require one of everyone (409), changing nothing', async () => {
      const { client } = await world.staff('bare-admin@example.test', 'administrator');
      const answer = await client.request('PATCH', '/settings', { requireTotp: true });
      expect(answer.status).toBe(409);
      expect(code(answer)).toBe('totp_not_enrolled');
      expect((await client.request<ConsoleSettings>('GET', '/settings')).body).toEqual({ requireTotp: false });
    });

    it('once required, a user without TOTP may only enrol, see their session and log out; enrolling lifts it', async () => {
      await enrol(world.admin);
      const { client: second } = await world.staff('second-admin@example.test', 'administrator');
      const { client: operator } = await world.staff('policy-op@example.test', 'operator', ['demo']);
      expect((await world.admin.request<ConsoleSettings>('GET', '/settings')).body).toEqual({ requireTotp: false });
      expect((await operator.request<SessionInfo>('GET', '/session')).body.mustEnrollTotp).toBe(false);

      const set = await world.admin.request<ConsoleSettings>('PATCH', '/settings', { requireTotp: true });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ requireTotp: true });
      expect((await world.admin.request<SessionInfo>('GET', '/session')).body.mustEnrollTotp).toBe(false); // enrolled

      expect((await second.request<SessionInfo>('GET', '/session')).body.mustEnrollTotp).toBe(true);
      const refused = await second.request('GET', '/users');
      expect(refused.status).toBe(403);
      expect(code(refused)).toBe('totp_enrolment_required');
      expect(code(await second.request('PATCH', '/settings', { requireTotp: false }))).toBe('totp_enrolment_required');
      expect(code(await operator.request('POST', '/password', { current: PASSWORD, next: 'another long passphrase 7' }))).toBe('totp_enrolment_required');
      const fresh = await world.client().login('policy-op@example.test', PASSWORD);
      expect(fresh.status).toBe(200);
      expect(fresh.body.mustEnrollTotp).toBe(true);

      await enrol(second);
      expect((await second.request<SessionInfo>('GET', '/session')).body.mustEnrollTotp).toBe(false);
      expect((await second.request('GET', '/users')).status).toBe(200);
      expect((await operator.request('DELETE', '/session')).status).toBe(204);

      const entries = (await world.admin.request<{ entries: Array<{ action: string; outcome: string; details: Record<string, unknown> }> }>('GET', '/audit?action=settings.change')).body.entries;
      expect(entries).toEqual([expect.objectContaining({ action: 'settings.change', outcome: 'ok', details: { requireTotp: true } })]);
      expect((await world.admin.request('PATCH', '/settings', { requireTotp: false })).status).toBe(200);
    });

    it('refuses a malformed setting with 400, changing nothing', async () => {
      for (const body of [{ requireTotp: 'yes' }, {}, { requireTotp: true, extra: 1 }]) {
        const answer = await world.admin.request('PATCH', '/settings', body);
        expect(answer.status).toBe(400);
        expect(code(answer)).toBe('invalid_request');
      }
      expect((await world.admin.request<ConsoleSettings>('GET', '/settings')).body).toEqual({ requireTotp: false });
    });
  });
});
