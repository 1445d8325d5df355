// Issue 13: an invitation's answer never tells whether the address has an account. Over real HTTP
// on both stores, with a real SMTP server: a new address, a still pending invitee (a resend), a
// disabled one and a working account all get the same 202 `{}` in the same time; only the first
// two are mailed a link, after the answer; the audit log says which case it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { pollUntil } from '../helpers/poll.ts';
import { medianMs } from '../helpers/timing.ts';
import type { AuditEntryView, ConsoleUserView } from '../../common/console-wire.ts';
import { isPending } from '../../server/http/routes/console/state.ts';
import type { ConsoleUser } from '../../server/store/console-store.ts';

describe('isPending', () => {
  const user = (fields: Partial<ConsoleUser>) => ({ passwordHash: null, oidcSubject: null, ...fields }) as ConsoleUser;

  it('is true until the user has a password or an SSO link, disabled or not', () => {
    expect(isPending(user({}))).toBe(true);
    expect(isPending(user({ disabled: true }))).toBe(true);
    expect(isPending(user({ passwordHash: '$argon2id$…' }))).toBe(false);
    expect(isPending(user({ oidcSubject: 'https://idp.example|ann' }))).toBe(false);
  });
});

forEachStore((store) => {
  describe('console invitations over HTTP', () => {
    let world: ConsoleWorld;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
    }, 120_000);
    afterAll(() => world?.close());

    const invite = (email: string) => world.admin.request('POST', '/users', { email, displayName: email.split('@')[0], role: 'operator', bots: ['demo'] });
    const mailsTo = (to: string) => world.smtp.mails.filter((m) => m.to.includes(to)).length;
    const userAt = async (email: string) =>
      (await world.admin.request<{ users: ConsoleUserView[] }>('GET', '/users')).body.users.find((u) => u.email === email)!;
    const inviteAudit = async () =>
      (await world.admin.request<{ entries: AuditEntryView[] }>('GET', '/audit?action=user.invite&limit=1000')).body.entries;

    it('answers the same 202 {} for a new address, a pending invitee, a disabled one and a working account; only the first two are mailed', async () => {
      await world.staff('active@example.test', 'operator', ['demo']);
      expect((await invite('dormant@example.test')).status).toBe(202);
      await pollUntil(async () => mailsTo('dormant@example.test'), (n) => n === 1, 'the first invitation of dormant@');
      const dormant = await userAt('dormant@example.test');
      expect((await world.admin.request('PATCH', `/users/${dormant.id}`, { disabled: true })).status).toBe(200);
      expect((await invite('pending@example.test')).status).toBe(202);
      await pollUntil(async () => mailsTo('pending@example.test'), (n) => n === 1, 'the first invitation of pending@');
      const firstLink = await world.smtp.linkFor('pending@example.test');

      const answers = {
        fresh: await invite('fresh@example.test'),
        resend: await invite('Pending@Example.test'),
        disabled: await invite('dormant@example.test'),
        active: await invite('active@example.test'),
      };
      for (const [name, answer] of Object.entries(answers)) {
        expect([name, answer.status, answer.body]).toEqual([name, 202, {}]);
        expect([name, ...answer.headers.keys()].sort()).toEqual([name, ...answers.fresh.headers.keys()].sort());
      }

      // The resend is a fresh link; the new address gets its first. Sent after the answer, so waited for.
      await pollUntil(async () => [mailsTo('fresh@example.test'), mailsTo('pending@example.test')], ([f, p]) => f === 1 && p === 2, 'the invitation and the resend');
      expect(await world.smtp.linkFor('pending@example.test')).not.toBe(firstLink);
      const entries = await inviteAudit();
      expect(entries.slice(-4).map((e) => [e.target, e.details])).toEqual([
        [await world.userId('fresh@example.test'), { role: 'operator', result: 'invited', mailed: true }],
        [await world.userId('pending@example.test'), { role: 'operator', result: 'resent', mailed: true }],
        [dormant.id, { role: 'operator', result: 'disabled', mailed: false }],
        [await world.userId('active@example.test'), { role: 'operator', result: 'exists', mailed: false }],
      ]);
      // Nothing went to the disabled invitee or the working account (their answers came before the two mails above).
      expect([mailsTo('dormant@example.test'), mailsTo('active@example.test')]).toEqual([1, 1]);
      // The list, which only administrators see, still tells them apart.
      expect(await userAt('dormant@example.test')).toMatchObject({ pending: true, disabled: true });
      expect(await userAt('active@example.test')).toMatchObject({ pending: false, disabled: false });
      expect(await userAt('fresh@example.test')).toMatchObject({ pending: true, disabled: false, role: 'operator', bots: ['demo'] });
    });

    it('takes as long for an address with an account as for a new one (median of alternating rounds)', async () => {
      await world.staff('timed@example.test', 'operator', ['demo']);
      const rounds = 11;
      await invite('warm-up@example.test');
      const [fresh, existing] = await medianMs(
        (i) => invite(`new-${i}@example.test`),
        () => invite('timed@example.test'),
        rounds,
      );
      // Mailing before answering (an SMTP round trip or more) would make new addresses several times slower.
      expect(existing / fresh).toBeGreaterThan(0.5);
      expect(existing / fresh).toBeLessThan(2);
    });
  });
});
