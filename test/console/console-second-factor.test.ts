// Issue 13: the second factor over real HTTP, on both stores. A TOTP code (made by otplib from the
// enrolled secret, as a phone would) signs in once: the same code again is refused, within its
// window too. A recovery code signs in once, even when several logins race with it. Codes of
// different steps typed at the same moment sign in once: a sign-in spends the whole window.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import { enrolTotp as enrol, phoneCode } from '../helpers/console-totp.ts';

const STEP_MS = 30_000;

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

    it('codes of the steps before, at and after now, typed at the same moment, sign in once: a sign-in spends the window (fake clock, 5 rounds)', async () => {
      // The clock stands still in the middle of a step, so every login of a round sees the same window.
      const start = (Math.floor(Date.now() / STEP_MS) + 1) * STEP_MS + STEP_MS / 2;
      vi.useFakeTimers({ toFake: ['Date'], now: start });
      try {
        for (let round = 0; round < 5; round++) {
          vi.setSystemTime(start + round * 4 * STEP_MS);
          const email = `window-${round}@example.test`;
          const { client } = await world.staff(email, 'operator', ['demo']);
          const { secret } = await enrol(client);
          // Three steps on, the codes of now-1, now and now+1 are all newer than the enrolment code.
          vi.setSystemTime(Date.now() + 3 * STEP_MS);
          const codes = await Promise.all([-1, 0, 1].map((offset) => phoneCode(secret, offset)));
          const answers = await Promise.all([...codes, ...codes].map((code) => world.client().login(email, PASSWORD, code)));
          const statuses = answers.map((a) => a.status).sort();
          expect([round, statuses]).toEqual([round, [200, 401, 401, 401, 401, 401]]);
        }
      } finally {
        vi.useRealTimers();
      }
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
