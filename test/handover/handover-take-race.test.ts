// Issue 14: "two operators clicking take at once get one winner and one clear refusal", over real
// HTTP, 50 rounds, on both stores. Each round four operators take one waiting handover at the same
// instant: exactly one 200, three 409 already_taken; the handover is the winner's, and the visitor
// was told one operator joined, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoverView } from '../../common/handover-wire.ts';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { history } from '../helpers/visitor-api.ts';

const ROUNDS = 50;
const RACERS = 4;

forEachStore((store) => {
  describe('taking a handover: one winner', () => {
    let world: HandoverWorld;
    let racers: Staff[];
    beforeAll(async () => {
      world = await startHandoverWorld(store.env());
      racers = [];
      for (let i = 0; i < RACERS; i++) racers.push(await world.staffOnline(`racer${i}@example.test`, 'operator', ['demo']));
    }, 120_000);
    afterAll(() => world?.close());

    it(`take race: ${ROUNDS} rounds of ${RACERS} operators taking at once, never two winners, the loser told 409 already_taken`, { timeout: 600_000 }, async () => {
      const tally = new Map<string, number>();
      for (let round = 0; round < ROUNDS; round++) {
        // The console's heartbeat: presence lasts 60 s unless renewed, and 50 rounds on FerretDB
        // under a full run take longer (the 50th visitor then found no one online and left a message).
        for (const r of racers) expect((await r.client.request('PUT', '/presence', { available: true })).status).toBe(200);
        const { session, handover } = await world.visitorAskingForHuman(racers[0]!.client);
        const answers = await Promise.all(racers.map((r) => r.client.request<HandoverView & { error?: { code: string } }>('POST', `/handovers/${handover.id}/take`)));
        const winners = answers.flatMap((a, i) => (a.status === 200 ? [racers[i]!] : []));
        expect(winners, `round ${round}: ${answers.map((a) => a.status).join(',')}`).toHaveLength(1);
        const losers = answers.filter((a) => a.status !== 200);
        expect(losers.map((a) => [a.status, a.body.error?.code])).toEqual(Array.from({ length: RACERS - 1 }, () => [409, 'already_taken']));
        const winner = winners[0]!;
        tally.set(winner.id, (tally.get(winner.id) ?? 0) + 1);
        const detail = await winner.client.request<{ handover: HandoverView }>('GET', `/handovers/${handover.id}`);
        expect(detail.body.handover).toMatchObject({ state: 'assigned', assignee: { id: winner.id } });
        const joined = (await history(world.url, session.token)).filter((m) => m.notice?.kind === 'operator-joined');
        expect(joined, `round ${round}`).toHaveLength(1);
      }
      // Every round had a winner; who won is the race's to decide.
      expect([...tally.values()].reduce((a, b) => a + b, 0)).toBe(ROUNDS);
    });
  });
});
