// Issue 14: what happens with no one clicking anything. The handover sweep abandons a wait past the
// bot's limit (the visitor is told, in the bot's words, and the bot answers again) and a
// conversation whose visitor is gone, but never a message left for the queue; auto-assignment
// hands waiting conversations round the operators online, up to their capacity; outside business
// hours the bot says it is closed and takes a message. The server's handover clock is moved by the
// test (startParley's `clock`), never waited for: every wait below is for the event that proves
// the point (a pusher-js event, a state in the list).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueChannel, type HandoverView } from '../../common/handover-wire.ts';
import type { ChatMessage } from '../../common/wire.ts';
import type { ChannelEvent } from '../encryption/pusher-js-subscriber.ts';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { pollUntil } from '../helpers/poll.ts';
import { call, history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';

const MINUTE = 60_000;
const WAIT_LIMIT = 10 * MINUTE; // the demo bot's handover.waitLimit
const handoverIn = (t: ChannelEvent[], id: string, state: HandoverView['state']) => t.some((e) => (e.data as HandoverView).id === id && (e.data as HandoverView).state === state);

async function listed(as: Staff, id: string): Promise<HandoverView> {
  const all = await as.client.request<{ handovers: HandoverView[] }>('GET', '/handovers?limit=200');
  return all.body.handovers.find((h) => h.id === id)!;
}

/** Everyone comes back online after the clock jumped past their presence. */
async function renewPresence(...staff: Staff[]): Promise<void> {
  for (const s of staff) expect((await s.client.request('PUT', '/presence', { available: true })).status).toBe(200);
}

forEachStore((store) => {
  describe('the handover sweep', { timeout: 60_000 }, () => {
    let world: HandoverWorld;
    let kari: Staff;
    beforeAll(async () => {
      world = await startHandoverWorld(store.env(), { botPatch: (bot) => (bot.policy = { ...bot.policy, messagesPerMinute: 8 }) });
      kari = await world.staffOnline('kari@example.test', 'operator', ['demo'], 'Kari Nordmann');
    }, 120_000);
    afterAll(() => world?.close());

    it('abandon: a wait past the bot’s limit is abandoned and the visitor told in the bot’s words; one that started later is not; the bot answers again', async () => {
      const queue = await world.follow(kari.client, queueChannel('demo'), 'handover');
      try {
        const early = await world.visitorAskingForHuman(kari.client);
        world.clock.advance(WAIT_LIMIT / 2);
        await renewPresence(kari);
        const later = await world.visitorAskingForHuman(kari.client);
        const visitor = await world.visitorChannel(early.session, 'message');
        try {
          world.clock.advance(WAIT_LIMIT / 2);
          await queue.until((t) => handoverIn(t, early.handover.id, 'abandoned'), 'the early handover abandoned');
          // The sweep that abandoned the first looked at the second too, and left it waiting.
          expect((await listed(kari, later.handover.id)).state).toBe('waiting');
          await visitor.until((t) => t.some((e) => (e.data as ChatMessage).text?.startsWith('Sorry, no one from our team')), 'the bot’s word that no one came');
          const told = (await history(world.url, early.session.token)).at(-1)!;
          expect(told).toMatchObject({ sender: 'bot', text: expect.stringMatching(/^Sorry, no one from our team could take your chat in time/) });
          expect((await listed(kari, early.handover.id)).endedAt).not.toBeNull();
          expect(code(await kari.client.request('POST', `/handovers/${early.handover.id}/take`))).toBe('not_holder');
          // No longer silent.
          expect((await send(world.url, early.session.token, 'after', 'What are your prices?')).status).toBe(202);
          await visitor.until((t) => t.some((e) => (e.data as ChatMessage).sender === 'bot' && (e.data as ChatMessage).id > told.id), 'the bot answering again');
        } finally {
          visitor.disconnect();
        }
      } finally {
        queue.disconnect();
      }
    });

    it('abandon: a held conversation quiet for HANDOVER_VISITOR_GONE_AFTER (30 min) is abandoned: the visitor is gone; the operator is shown leaving, no rating offered', async () => {
      await renewPresence(kari);
      const { session, handover } = await world.visitorAskingForHuman(kari.client);
      expect((await kari.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
      const queue = await world.follow(kari.client, queueChannel('demo'), 'handover');
      try {
        // Past the wait limit, but held: nothing happens to it for that.
        world.clock.advance(29 * MINUTE);
        await renewPresence(kari);
        const marker = await world.visitorAskingForHuman(kari.client);
        world.clock.advance(WAIT_LIMIT);
        await queue.until((t) => handoverIn(t, marker.handover.id, 'abandoned'), 'a sweep after 29 minutes');
        // 29 + 10 minutes since the last message: gone.
        await queue.until((t) => handoverIn(t, handover.id, 'abandoned'), 'the held handover abandoned');
        const left = (await history(world.url, session.token)).filter((m) => m.notice?.kind === 'operator-left');
        expect(left).toEqual([expect.objectContaining({ sender: 'system', notice: { kind: 'operator-left', name: 'Kari', rate: false } })]);
        const rating = await call(world.url, '/api/v1/rating', { token: session.token, json: { score: 3 } });
        expect(rating.status).toBe(409);
      } finally {
        queue.disconnect();
      }
    });

    it('abandon: a message left while no one was online waits in the queue however long', async () => {
      await renewPresence(kari);
      const control = await world.visitorAskingForHuman(kari.client);
      expect((await kari.client.request('PUT', '/presence', { available: false })).status).toBe(200);
      const session = await openSession(world.url);
      expect((await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: 'm1', action: 'handover:yes' } })).status).toBe(202);
      await waitForHistory(world.url, session.token, (m) => m.some((x) => /No one from our team is online/.test(x.text)));
      expect((await send(world.url, session.token, 'm2', 'ada@example.com')).status).toBe(202);
      await waitForHistory(world.url, session.token, (m) => m.some((x) => /What would you like to tell us/.test(x.text)));
      expect((await send(world.url, session.token, 'm3', 'Please call me back about my booking')).status).toBe(202);
      const left = await pollUntil(
        () => kari.client.request<{ handovers: HandoverView[] }>('GET', '/handovers?state=waiting&limit=200'),
        (a) => a.body.handovers.some((h) => h.conversationId === session.conversationId),
        'the left message in the queue',
        30_000,
      );
      const message = left.body.handovers.find((h) => h.conversationId === session.conversationId)!;
      expect(message.source).toBe('message');
      const queue = await world.follow(kari.client, queueChannel('demo'), 'handover');
      try {
        world.clock.advance(24 * 60 * MINUTE);
        await queue.until((t) => handoverIn(t, control.handover.id, 'abandoned'), 'a sweep a day later');
        expect((await listed(kari, message.id)).state).toBe('waiting');
      } finally {
        queue.disconnect();
      }
    });

    it('visitor spam while waiting obeys the bot’s usual limit: past messagesPerMinute, 429 with Retry-After and nothing stored', async () => {
      await renewPresence(kari);
      const { session } = await world.visitorAskingForHuman(kari.client);
      const before = (await history(world.url, session.token)).length;
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await send(world.url, session.token, `spam-${i}`, `hello ${i}`)).status);
      // The ask for a human took one of the 8 a minute.
      expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 202, 429]);
      expect((await history(world.url, session.token)).length).toBe(before + 7);
    });
  });
});

type ErrorBody = { error: { code: string } };
const code = (answer: { body: unknown }) => (answer.body as ErrorBody).error?.code;

describe('auto-assignment (HANDOVER_AUTO_ASSIGN, capacity 1)', { timeout: 60_000 }, () => {
  let world: HandoverWorld;
  let operators: Staff[];
  beforeAll(async () => {
    world = await startHandoverWorld({}, { env: { HANDOVER_AUTO_ASSIGN: 'true', HANDOVER_OPERATOR_CAPACITY: '1' } });
    operators = [];
    for (const name of ['anna', 'bjorn', 'cato']) operators.push(await world.staffOnline(`${name}@example.test`, 'operator', ['demo']));
  }, 120_000);
  afterAll(() => world?.close());

  it('auto-assign: waiting conversations go round the operators online, one each; the fourth waits until someone is free, then goes to them', async () => {
    const [anna] = operators;
    const asked: Array<Awaited<ReturnType<HandoverWorld['visitorAskingForHuman']>>> = [];
    for (let i = 0; i < 4; i++) asked.push(await world.visitorAskingForHuman(anna!.client));
    const assigned = await pollUntil(
      async () => Promise.all(asked.map((a) => listed(anna!, a.handover.id))),
      (views) => views.filter((v) => v.state === 'assigned').length === 3,
      'three assigned',
    );
    const holders = assigned.filter((v) => v.state === 'assigned').map((v) => v.assignee!.id);
    expect(new Set(holders).size).toBe(3);
    const waiting = assigned.find((v) => v.state === 'waiting')!;
    expect(waiting).toBeDefined();
    // The visitor of an auto-assigned conversation is told who joined, as with a take.
    const first = asked.find((a) => a.handover.id === assigned.find((v) => v.state === 'assigned')!.id)!;
    await waitForHistory(world.url, first.session.token, (m) => m.some((x) => x.notice?.kind === 'operator-joined'));
    // Someone finishes: the next sweep gives them the one still waiting.
    const finisher = operators.find((o) => o.id === holders[1])!;
    const theirs = assigned.find((v) => v.assignee?.id === finisher.id)!;
    expect((await finisher.client.request('POST', `/handovers/${theirs.id}/resolve`, { code: 'answered' })).status).toBe(200);
    const now = await pollUntil(() => listed(anna!, waiting.id), (v) => v.state === 'assigned', 'the fourth assigned');
    expect(now.assignee?.id).toBe(finisher.id);
  });
});

describe('business hours, with the clock set', { timeout: 60_000 }, () => {
  let world: HandoverWorld;
  let kari: Staff;
  beforeAll(async () => {
    world = await startHandoverWorld({}, { businessHours: true });
    kari = await world.staffOnline('kari@example.test', 'operator', ['demo']);
  }, 120_000);
  afterAll(() => world?.close());

  const askForHuman = async () => {
    const session = await openSession(world.url);
    expect((await call(world.url, '/api/v1/messages', { token: session.token, json: { clientId: 'ask', action: 'handover:yes' } })).status).toBe(202);
    return { session, messages: await waitForHistory(world.url, session.token, (m) => m.some((x) => x.clientId === 'ask') && m.at(-1)!.sender === 'bot') };
  };

  it('business hours: on a Sunday the bot says it is closed and offers to take a message, though an operator is online; on Monday morning it hands over', async () => {
    world.clock.set(new Date('2026-03-08T12:00:00+01:00')); // Sunday, Oslo
    await renewPresence(kari);
    const closed = await askForHuman();
    expect(closed.messages.some((m) => /closed right now/.test(m.text))).toBe(true);
    const none = await kari.client.request<{ handovers: HandoverView[] }>('GET', '/handovers?limit=200');
    expect(none.body.handovers.some((h) => h.conversationId === closed.session.conversationId)).toBe(false);

    world.clock.set(new Date('2026-03-09T10:00:00+01:00')); // Monday, Oslo
    await renewPresence(kari);
    const open = await world.visitorAskingForHuman(kari.client);
    expect(open.handover.state).toBe('waiting');
  });

  it('business hours: open, but no operator online: the bot says no one is online and offers to take a message', async () => {
    world.clock.set(new Date('2026-03-10T10:00:00+01:00')); // Tuesday, Oslo
    expect((await kari.client.request('PUT', '/presence', { available: false })).status).toBe(200);
    const nobody = await askForHuman();
    expect(nobody.messages.some((m) => /No one from our team is online/.test(m.text))).toBe(true);
  });
});
