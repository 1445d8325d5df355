// Issue 13: the password-reset request over real HTTP, on both stores. Anyone may ask; the answer
// is the same 202 whether or not the address has an account; a known one gets a reset link by
// e-mail (a real SMTP server), which sets a new password once; requests are rate limited per IP
// and per address; the audit log records each request for administrators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { linkToken } from '../helpers/console-client.ts';
import { pollUntil } from '../helpers/poll.ts';

const code = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;
const NEW_PASSWORD = 'a brand new passphrase 99';

forEachStore((store) => {
  describe('console password reset over HTTP', () => {
    let world: ConsoleWorld;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
    }, 120_000);
    afterAll(() => world?.close());

    const mailsTo = (to: string) => world.smtp.mails.filter((m) => m.to.includes(to));

    it('answers the same 202 for a known and an unknown address; only the known one is mailed a link that works once', async () => {
      await world.staff('forgetful@example.test', 'operator', ['demo']);
      const before = mailsTo('forgetful@example.test').length;
      const unknown = await world.client().request('POST', '/password/reset', { email: 'nobody@example.test' });
      const known = await world.client().request('POST', '/password/reset', { email: 'Forgetful@Example.test' });
      expect(unknown.status).toBe(202);
      expect(known.status).toBe(202);
      expect(known.body).toEqual({});
      expect(unknown.body).toEqual({});
      expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
      const mails = await pollUntil(async () => mailsTo('forgetful@example.test'), (m) => m.length > before, 'the reset mail');
      const link = /https?:\/\/\S+\/console\/#reset-password=[A-Za-z0-9_-]+/.exec(mails.at(-1)!.raw)?.[0];
      expect(link).toBeDefined();
      expect(mailsTo('nobody@example.test')).toEqual([]);

      const c = world.client();
      expect((await c.request('POST', '/password/set', { token: linkToken(link!), password: NEW_PASSWORD })).status).toBe(204);
      expect(code(await c.request('POST', '/password/set', { token: linkToken(link!), password: `${NEW_PASSWORD}!` }))).toBe('invalid_link');
      expect((await world.client().login('forgetful@example.test', PASSWORD)).status).toBe(401);
      expect((await world.client().login('forgetful@example.test', NEW_PASSWORD)).status).toBe(200);

      const entries = (await world.admin.request<{ entries: Array<{ actor: string | null; outcome: string; details: Record<string, unknown> }> }>('GET', '/audit?action=password.reset.request')).body.entries;
      expect(entries.map((e) => e.details.mailed)).toEqual([false, true]);
    });

    it('needs our Origin and a JSON body like login (CSRF), and refuses a malformed address with 400', async () => {
      const c = world.client();
      const foreign = await c.request('POST', '/password/reset', { email: 'root@example.test' }, { Origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(code(foreign)).toBe('csrf');
      const form = await c.request('POST', '/password/reset', 'email=root%40example.test', { 'Content-Type': 'application/x-www-form-urlencoded' });
      expect(code(form)).toBe('csrf');
      for (const body of [{ email: 'not an address' }, {}, { email: 'a@b.c', extra: 1 }]) {
        const bad = await c.request('POST', '/password/reset', body);
        expect(bad.status).toBe(400);
        expect(code(bad)).toBe('invalid_request');
      }
    });

    it('is rate limited per address (3 an hour), known or not, and per IP (10 an hour)', async () => {
      const c = world.client();
      for (let i = 0; i < 3; i++) expect((await c.request('POST', '/password/reset', { email: 'flood@example.test' })).status).toBe(202);
      const over = await c.request('POST', '/password/reset', { email: 'flood@example.test' });
      expect(over.status).toBe(429);
      expect(code(over)).toBe('rate_limited');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // This IP has spent 6 so far: 2 above and these 4 (malformed and CSRF-refused requests are not charged).
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await c.request('POST', '/password/reset', { email: `spray${i}@example.test` })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
    });
  });
});
