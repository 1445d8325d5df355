// Issue 13: the second factor over real HTTP, on both stores. A TOTP code (made by otplib from the
// enrolled secret, as a phone would) signs in once: the same code again is refused, within its
// window too. A recovery code signs in once, even when several logins race with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { enrolTotp as enrol, phoneCode } from '../helpers/console-totp.ts';

const code = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;
forEachStore((store) => {
  describe('console second factor over HTTP', () => {
    let world: ConsoleWorld;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
    }, 120_000);
    afterAll(() => world?.close());

    it('a TOTP code signs in once; the same code again, or the enrolment code, is refused', async () => {
      const { client } = await world.staff('totp@example.test', 'operator', ['demo']);
      const { secret, enrolmentCode } = await enrol(client);
      expect(code(await world.client().login('totp@example.test', PASSWORD))).toBe('totp_required');
      const replayedEnrolment = await world.client().login('totp@example.test', PASSWORD, enrolmentCode);
      expect(replayedEnrolment.status).toBe(401);
      const next = await phoneCode(secret, 1);
      expect((await world.client().login('totp@example.test', PASSWORD, next)).status).toBe(200);
      const replay = await world.client().login('totp@example.test', PASSWORD, next);
      expect(replay.status).toBe(401);
      expect(code(replay)).toBe('invalid_credentials');
    });

    it('a recovery code signs in once, and only one of five racing logins gets in with it', async () => {
      const { client } = await world.staff('recovery@example.test', 'operator', ['demo']);
      const { codes } = await enrol(client);
      expect((await world.client().login('recovery@example.test', PASSWORD, codes[0]!.toUpperCase())).status).toBe(200);
      expect((await world.client().login('recovery@example.test', PASSWORD, codes[0]!)).status).toBe(401);
      const racing = await Promise.all(Array.from({ length: 5 }, () => world.client().login('recovery@example.test', PASSWORD, codes[1]!)));
      expect(racing.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
    });
  });
});
