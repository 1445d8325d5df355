// Issue 14: an operator's posts (messages, notes, typing) have a budget per console user and
// minute (RATE_OPERATOR_POSTS_PER_MIN), across every conversation they hold, so one account (or a
// stolen session) cannot flood visitors, the store or the relay. Past it: 429 `rate_limited` with
// Retry-After, nothing stored or published; a colleague's budget is their own; a retried message
// (the same clientId) costs nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { history } from '../helpers/visitor-api.ts';

const BUDGET = 6;

describe('operator posts per user', { timeout: 60_000 }, () => {
  let world: HandoverWorld;
  let kari: Staff;
  let ola: Staff;
  beforeAll(async () => {
    world = await startHandoverWorld({}, { env: { RATE_OPERATOR_POSTS_PER_MIN: String(BUDGET) } });
    kari = await world.staffOnline('kari@example.test', 'operator', ['demo'], 'Kari Nordmann');
    ola = await world.staffOnline('ola@example.test', 'operator', ['demo'], 'Ola Nordmann');
  }, 120_000);
  afterAll(() => world?.close());

  const held = async (by: Staff) => {
    const { session, handover } = await world.visitorAskingForHuman(by.client);
    expect((await by.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
    return { session, handover };
  };

  it(`messages, notes and typing share one budget per user across conversations: ${BUDGET} a minute, then 429 with Retry-After and nothing stored; a retry is free; a colleague's budget is untouched`, async () => {
    const [first, second] = [await held(kari), await held(kari)];
    const post = (h: typeof first, path: string, body: unknown) => kari.client.request<{ error?: { code: string; message: string } }>('POST', `/handovers/${h.handover.id}/${path}`, body);
    const spent = [
      await post(first, 'messages', { clientId: 'm1', text: 'Hello from Kari' }),
      await post(first, 'messages', { clientId: 'm1', text: 'Hello from Kari' }), // a retry: the stored message again, free
      await post(second, 'messages', { clientId: 'm2', text: 'Hello there' }),
      await post(first, 'notes', { text: 'asked about parcels' }),
      await post(second, 'typing', { typing: true }),
      await post(second, 'typing', { typing: false }),
      await post(first, 'messages', { clientId: 'm3', text: 'One moment' }),
    ];
    expect(spent.map((a) => a.status)).toEqual([201, 201, 201, 201, 204, 204, 201]);
    const refused = [await post(second, 'messages', { clientId: 'm4', text: 'over the budget' }), await post(first, 'notes', { text: 'over' }), await post(first, 'typing', { typing: true })];
    for (const answer of refused) {
      expect([answer.status, answer.body.error?.code]).toEqual([429, 'rate_limited']);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.stringify(answer.body)).not.toMatch(/stack|RateLimiter|\/work\//);
    }
    expect((await history(world.url, second.session.token)).map((m) => m.text)).not.toContain('over the budget');
    const detail = await kari.client.request<{ notes: unknown[] }>('GET', `/handovers/${first.handover.id}`);
    expect(detail.body.notes).toHaveLength(1);
    // Ola's posts are Ola's budget.
    const olas = await held(ola);
    expect((await ola.client.request('POST', `/handovers/${olas.handover.id}/messages`, { clientId: 'o1', text: 'Hi, Ola here' })).status).toBe(201);
  });
});
