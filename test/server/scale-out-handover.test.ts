// Issue 14 in issue 12's deployment: the live handover with two Parley instances behind nginx
// (round robin), soketi as the relay, FerretDB and Redis (test/helpers/scale-out-topology.ts). The
// console signs in through the proxy, so its session and CSRF token work on whichever instance a
// request lands on; the visitor's and the console's realtime go through soketi. Which instance
// served a request is read from nginx's X-Upstream header, never assumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_HANDOVER, consoleConversationChannel, queueChannel, type HandoverView } from '../../common/handover-wire.ts';
import type { ChatMessage } from '../../common/wire.ts';
import type { ChannelEvent } from '../encryption/pusher-js-subscriber.ts';
import { staffConsole } from '../helpers/console-setup.ts';
import { handoverBotsDir, handoverDesk, type HandoverDesk, type Staff } from '../helpers/handover-world.ts';
import { startTopology, type Topology } from '../helpers/scale-out-topology.ts';
import { answeredBy, arrive } from '../helpers/scripted-visitor.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { call, history, send } from '../helpers/visitor-api.ts';
import { madeTempDir } from '../helpers/temp-dirs.ts';

let smtp: SmtpCapture;
let topology: Topology;
let desk: HandoverDesk;
let operators: Staff[];
beforeAll(async () => {
  smtp = await startSmtpCapture();
  const env = { BOTS_DIR: handoverBotsDir(), SMTP_URL: smtp.url, RATE_AUTH_PER_IP: '100000', RATE_CONSOLE_LOGINS_PER_IP: '100000' };
  topology = await startTopology({ env });
  const port = Number(new URL(topology.origin).port);
  // The administrator is made by the CLI with the deployment's own configuration (the shared store).
  const console = await staffConsole({ url: topology.origin, port }, { ...topology.env, DATA_DIR: madeTempDir('parley-cli-') }, smtp);
  desk = handoverDesk(console);
  operators = [await desk.staffOnline('ada@example.test', 'operator', ['demo'], 'Ada Byron'), await desk.staffOnline('bob@example.test', 'operator', ['demo'], 'Bob Stone')];
}, 120_000);
afterAll(async () => {
  await topology?.stop();
  await smtp?.close();
});

/**
 * nginx takes requests round robin over the two instances; this test is its only HTTP client while
 * it steers. Probes the liveness route until the instance that answered is the other one, so the
 * next request goes to `upstream`; the request's own X-Upstream is checked all the same.
 */
async function nextRequestGoesTo(upstream: string): Promise<void> {
  for (let probe = 0; probe < 3; probe++) {
    const res = await fetch(new URL('/healthz', topology.origin));
    await res.arrayBuffer();
    if (answeredBy(res.headers) !== upstream) return;
  }
  throw new Error(`nginx kept sending requests to ${upstream}`);
}

const handoverEvents = (timeline: ChannelEvent[], conversationId: string) =>
  timeline.filter((e) => e.event === EVENT_HANDOVER && (e.data as HandoverView).conversationId === conversationId).map((e) => e.data as HandoverView);

describe('live handover across two instances behind nginx, with soketi, FerretDB and Redis', () => {
  it('queue live, one winner of a cross-instance take race, messages both ways through different instances, resolve, rating, the bot again; nothing lost or duplicated', async () => {
    const [a, b] = topology.instances.map((i) => topology.upstreamOf(i)) as [string, string];
    const queues = await Promise.all(operators.map((op) => desk.follow(op.client, queueChannel('demo'), EVENT_HANDOVER)));
    const visitor = await arrive(topology.origin);
    const conversationId = visitor.session.conversationId;
    try {
      // The visitor asks for a human; both operators see it waiting without reading the list.
      expect((await call(topology.origin, '/api/v1/messages', { token: visitor.session.token, json: { clientId: 'human', action: 'handover:yes' } })).status).toBe(202);
      const waiting = (t: ChannelEvent[]) => handoverEvents(t, conversationId).some((h) => h.state === 'waiting');
      await Promise.all(queues.map((q) => q.until(waiting, 'the waiting handover on the queue channel', 60_000)));
      const handover = handoverEvents(queues[0]!.timeline, conversationId).find((h) => h.state === 'waiting')!;

      // Both take at once: nginx sends one request to each instance; the store lets one win.
      const takes = await Promise.all(operators.map((op) => op.client.request<HandoverView>('POST', `/handovers/${handover.id}/take`)));
      expect(new Set(takes.map((t) => answeredBy(t.headers)))).toEqual(new Set([a, b]));
      expect(takes.map((t) => t.status).sort()).toEqual([200, 409]);
      const winner = operators[takes.findIndex((t) => t.status === 200)]!;
      const holder = winner.client;
      const firstName = winner === operators[0] ? 'Ada' : 'Bob';
      const consoleSide = await desk.follow(holder, consoleConversationChannel(conversationId), 'message');
      const visitorSaw = (visitor.live.received as ChatMessage[]);
      await visitor.live.until(() => visitorSaw.some((m) => m.notice?.kind === 'operator-joined' && m.notice.name === firstName), 'the joined notice');

      // Operator → visitor through instance A, seen live by the visitor over soketi.
      await nextRequestGoesTo(a);
      const posted = await holder.request<{ message: ChatMessage }>('POST', `/handovers/${handover.id}/messages`, { clientId: 'op-1', text: 'Hi, how can I help?' });
      expect([posted.status, answeredBy(posted.headers)]).toEqual([201, a]);
      await visitor.live.until(() => visitorSaw.some((m) => m.sender === 'operator' && m.text === 'Hi, how can I help?' && m.author === firstName), 'the operator’s message');

      // Visitor → operator through instance B, seen live by the holder over soketi.
      await nextRequestGoesTo(b);
      const asked = await send(topology.origin, visitor.session.token, 'v-1', 'my parcel is late');
      expect([asked.status, answeredBy(asked.headers)]).toEqual([202, b]);
      await consoleSide.until((t) => t.some((e) => (e.data as ChatMessage).text === 'my parcel is late'), 'the visitor’s message on the console channel');

      // Resolved: the visitor is told and offered the rating; the queue hears it on both instances' behalf.
      const resolved = await holder.request<HandoverView>('POST', `/handovers/${handover.id}/resolve`, { code: 'answered' });
      expect([resolved.status, resolved.body.state]).toEqual([200, 'resolved']);
      await visitor.live.until(() => visitorSaw.some((m) => m.notice?.kind === 'operator-left' && m.notice.rate === true), 'the left notice with the rating');
      const rated = await call(topology.origin, '/api/v1/rating', { token: visitor.session.token, json: { score: 5, comment: 'quick' } });
      expect(rated.status).toBe(201);
      const ratedEvent = (t: ChannelEvent[]) => handoverEvents(t, conversationId).some((h) => h.rating?.score === 5);
      await Promise.all(queues.map((q) => q.until(ratedEvent, 'the rating on the queue channel')));

      // The bot answers again.
      const hello = await send(topology.origin, visitor.session.token, 'after', 'hello');
      const helloId = (hello.body as { message: ChatMessage }).message.id;
      await visitor.live.until(() => visitorSaw.some((m) => m.sender === 'bot' && m.id > helloId), 'the bot’s answer after the handover', 30_000);

      // Nothing lost or duplicated: history is gapless, the relay gave the visitor each message
      // after the greeting once, in order, and the holder each message of the handover once.
      const messages = await history(topology.origin, visitor.session.token);
      expect(messages.map((m) => m.id)).toEqual(messages.map((_, i) => i + 1));
      expect(visitorSaw.map((m) => m.id)).toEqual(messages.slice(1).map((m) => m.id));
      const consoleIds = (consoleSide.received as ChatMessage[]).map((m) => m.id);
      expect(consoleIds).toEqual([...new Set(consoleIds)]);
      expect(consoleIds).toEqual(expect.arrayContaining([posted.body.message.id, (asked.body as { message: ChatMessage }).message.id]));
      // The queue heard each change once: waiting, assigned (one winner), resolved, rated.
      for (const queue of queues) {
        expect(handoverEvents(queue.timeline, conversationId).map((h) => [h.state, h.assignee?.id ?? null, h.rating?.score ?? null])).toEqual([
          ['waiting', null, null],
          ['assigned', winner.id, null],
          ['resolved', winner.id, null],
          ['resolved', winner.id, 5],
        ]);
      }
      consoleSide.disconnect();
    } finally {
      visitor.live.disconnect();
      for (const queue of queues) queue.disconnect();
    }
  }, 120_000);
});
