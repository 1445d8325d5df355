// What the console app needs from two handover answers beyond the records themselves: the list
// says which bots' queues the caller may watch (an administrator's `bots` is empty, yet they serve
// every bot), and a handover's detail says, to those who may reassign it, whom it may go to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoverDetail, HandoverList } from '../../common/handover-wire.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { forEachStore } from '../helpers/stores.ts';

forEachStore((store) => {
  describe('handover answers for the console app', { timeout: 60_000 }, () => {
    let world: HandoverWorld;
    let admin: ConsoleClient;
    let supervisor: Staff;
    let holder: Staff;
    let away: Staff;
    let shopOperator: Staff;

    beforeAll(async () => {
      world = await startHandoverWorld(store.env());
      admin = world.admin;
      supervisor = await world.staffOnline('sup@example.test', 'supervisor', ['demo']);
      holder = await world.staffOnline('kari@example.test', 'operator', ['demo']);
      away = await world.staff('ola@example.test', 'operator', ['demo']);
      shopOperator = await world.staffOnline('shop@example.test', 'operator', ['shop']);
    }, 180_000);
    afterAll(() => world?.close());

    it('list: the bots whose queues the caller may watch — every bot for an administrator, their own for the others', async () => {
      const bots = async (c: ConsoleClient) => (await c.request<HandoverList>('GET', '/handovers?state=waiting')).body.bots;
      expect(await bots(admin)).toEqual(['demo', 'shop']);
      expect(await bots(supervisor.client)).toEqual(['demo']);
      expect(await bots(shopOperator.client)).toEqual(['shop']);
    });

    it('detail: supervisors and administrators of its bot are told whom it may be reassigned to, and who is available; operators are not', async () => {
      const { handover } = await world.visitorAskingForHuman(holder.client);
      const detail = async (c: ConsoleClient) => (await c.request<HandoverDetail>('GET', `/handovers/${handover.id}`)).body;
      for (const c of [supervisor.client, admin]) {
        const assignable = (await detail(c)).assignable ?? [];
        // Serving the demo bot with handover.work: the supervisor, both operators and the administrator; not the shop's operator.
        expect(assignable.map((o) => o.id).sort()).toEqual([supervisor.id, holder.id, away.id, world.adminId].sort());
        expect(assignable.find((o) => o.id === holder.id)).toEqual({ id: holder.id, displayName: 'kari', available: true });
        expect(assignable.find((o) => o.id === away.id)?.available).toBe(false);
      }
      expect((await detail(holder.client)).assignable).toBeUndefined();
    });
  });
});
