// Issue 13: "an administrator cannot disable or demote the last active administrator", under
// concurrency, over real HTTP on both stores. Two administrators demote (or disable) each other at
// the same moment, round after round: one change goes through, the other is refused (409
// last_administrator, or no session when its sender's had ended first), and the console always keeps
// one active administrator. The store decides it (console contract "the last active administrator").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { PASSWORD, startConsoleWorld, type ConsoleWorld } from '../helpers/console-setup.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import type { ConsoleUserView } from '../../common/console-wire.ts';

const ROUNDS = 20;

forEachStore((store) => {
  describe('the last active administrator over HTTP', () => {
    let world: ConsoleWorld;
    beforeAll(async () => {
      world = await startConsoleWorld(store.env());
    }, 120_000);
    afterAll(() => world?.close());

    it(`two administrators demoting or disabling each other at once never leave none (${ROUNDS} rounds)`, async () => {
      const second = await world.staff('second-admin@example.test', 'administrator');
      const admins: Array<{ client: ConsoleClient; id: string; email: string }> = [
        { client: world.admin, id: world.adminId, email: 'root@example.test' },
        { client: second.client, id: second.id, email: 'second-admin@example.test' },
      ];
      for (let round = 0; round < ROUNDS; round++) {
        const [patch, undo] = round % 2 === 0 ? [{ role: 'operator' }, { role: 'administrator' }] : [{ disabled: true }, { disabled: false }];
        const [one, two] = admins;
        const answers = await Promise.all([one!.client.request('PATCH', `/users/${two!.id}`, patch), two!.client.request('PATCH', `/users/${one!.id}`, patch)]);
        const statuses = answers.map((a) => a.status);
        // Whoever is still an administrator can still list the users; a demoted or disabled one's session has ended.
        const lists = await Promise.all(admins.map((a) => a.client.request<{ users: ConsoleUserView[] }>('GET', '/users')));
        const survivors = admins.filter((_, i) => lists[i]!.status === 200);
        const users = lists.find((l) => l.status === 200)?.body.users ?? [];
        const active = users.filter((u) => u.role === 'administrator' && !u.disabled).map((u) => u.email);
        expect([round, statuses, active]).toEqual([round, statuses, survivors.map((a) => a.email)]);
        expect([round, survivors.length]).toEqual([round, 1]);
        // The refused one: 409 last_administrator, or, when its sender's session had already ended,
        // no session (401 from the session, or 403 csrf: a state change without a session has no token).
        expect([round, statuses.filter((s) => s === 200).length, statuses.filter((s) => [401, 403, 409].includes(s)).length]).toEqual([round, 1, 1]);
        // Put the other one back and sign them in again (`unlock` gives the account's login budget back).
        const other = admins.find((a) => a !== survivors[0])!;
        expect((await survivors[0]!.client.request('PATCH', `/users/${other.id}`, { ...undo, unlock: true })).status).toBe(200);
        expect((await other.client.login(other.email, PASSWORD)).status).toBe(200);
      }
    }, 120_000);
  });
});
