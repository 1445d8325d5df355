// Issue 14, as a visitor and an operator live it, over real HTTP and real pusher-js clients on both
// sides (which decrypt what the server sealed): the bot goes silent once the visitor asked for a
// human and their messages reach the console instead; the operator takes the conversation, the
// visitor sees "<name> joined", they write and type to each other; the operator resolves, the
// visitor sees "<name> left", may rate once, and the bot answers again. What the console is shown
// is masked; revealing it is an administrator's, with a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleConversationChannel, queueChannel, type HandoverDetail, type HandoverView, type RevealedValues } from '../../common/handover-wire.ts';
import type { ChatMessage, TypingEvent } from '../../common/wire.ts';
import type { ChannelEvent } from '../encryption/pusher-js-subscriber.ts';
import { forEachStore } from '../helpers/stores.ts';
import { startHandoverWorld, type HandoverWorld, type Staff } from '../helpers/handover-world.ts';
import { call, history, send } from '../helpers/visitor-api.ts';

const messageEvent = (t: ChannelEvent[], pick: (m: ChatMessage) => boolean) => t.some((e) => e.event === 'message' && pick(e.data as ChatMessage));
const typingEvents = (t: ChannelEvent[]) => t.filter((e) => e.event === 'typing').map((e) => e.data as TypingEvent);

forEachStore((store) => {
  describe('a handover from start to end', { timeout: 60_000 }, () => {
    let world: HandoverWorld;
    let kari: Staff;
    let supervisor: Staff;
    beforeAll(async () => {
      world = await startHandoverWorld(store.env());
      // A display name of two words: the visitor sees the first only.
      kari = await world.staffOnline('kari@example.test', 'operator', ['demo'], 'Kari Nordmann');
      supervisor = await world.staffOnline('sup@example.test', 'supervisor', ['demo']);
    }, 120_000);
    afterAll(() => world?.close());

    it('lifecycle: silent bot while waiting and held, joined/left notices, operator messages with a first name, the bot answering again after resolve, a rating once', async () => {
      const queue = await world.follow(kari.client, queueChannel('demo'), 'handover');
      const { session, handover } = await world.visitorAskingForHuman(kari.client);
      expect(handover).toMatchObject({ state: 'waiting', source: 'button', botId: 'demo', conversationId: session.conversationId, assignee: null });
      await queue.until((t) => t.some((e) => (e.data as HandoverView).id === handover.id && (e.data as HandoverView).state === 'waiting'), 'the new handover in the queue');
      const visitor = await world.visitorChannel(session, 'message');
      const watching = await world.follow(supervisor.client, consoleConversationChannel(session.conversationId), 'message');
      try {
        // Waiting: a question the bot would answer gets no answer; the console gets the message.
        expect((await send(world.url, session.token, 'w1', 'What are your prices?')).status).toBe(202);
        await watching.until((t) => messageEvent(t, (m) => m.text === 'What are your prices?'), 'the waiting visitor’s message on the console');
        const whileWaiting = await history(world.url, session.token);
        expect(whileWaiting.at(-1)).toMatchObject({ sender: 'visitor', text: 'What are your prices?' });

        const taken = await kari.client.request<HandoverView>('POST', `/handovers/${handover.id}/take`);
        expect(taken.status).toBe(200);
        await visitor.until((t) => messageEvent(t, (m) => m.notice?.kind === 'operator-joined'), 'the joined notice');
        const joined = visitor.timeline.find((e) => (e.data as ChatMessage).notice?.kind === 'operator-joined')!.data as ChatMessage;
        expect(joined).toMatchObject({ sender: 'system', notice: { kind: 'operator-joined', name: 'Kari' }, text: 'Kari joined the chat' });
        await queue.until((t) => t.some((e) => (e.data as HandoverView).id === handover.id && (e.data as HandoverView).state === 'assigned'), 'the take in the queue');

        const sent = await kari.client.request<{ message: ChatMessage }>('POST', `/handovers/${handover.id}/messages`, { clientId: 'k1', text: 'Hi, I can help with prices.' });
        expect(sent.status).toBe(201);
        await visitor.until((t) => messageEvent(t, (m) => m.id === sent.body.message.id), 'the operator’s message');
        expect(sent.body.message).toMatchObject({ sender: 'operator', author: 'Kari', text: 'Hi, I can help with prices.' });
        expect(JSON.stringify(sent.body.message)).not.toMatch(new RegExp(`${kari.id}|Nordmann|kari@`));
        // A retried clientId is the same message, published once.
        const again = await kari.client.request<{ message: ChatMessage }>('POST', `/handovers/${handover.id}/messages`, { clientId: 'k1', text: 'Hi, I can help with prices.' });
        expect(again.body.message.id).toBe(sent.body.message.id);

        // Held: the visitor's answer goes to the console, masked; the bot says nothing.
        expect((await send(world.url, session.token, 'h1', 'Great, write to ann.smith@example.com or call +47 912 34 567')).status).toBe(202);
        await watching.until((t) => messageEvent(t, (m) => m.clientId === 'h1'), 'the held visitor’s message on the console');
        const masked = watching.timeline.map((e) => e.data as ChatMessage).find((m) => m.clientId === 'h1')!;
        expect(masked.text).toBe('Great, write to •••••• or call ••••••');
        expect((await history(world.url, session.token)).at(-1)).toMatchObject({ clientId: 'h1', sender: 'visitor' });
        expect((await history(world.url, session.token)).filter((m) => m.sender === 'bot' && m.id > whileWaiting.at(-1)!.id)).toEqual([]);

        const firstResponse = await kari.client.request<HandoverDetail>('GET', `/handovers/${handover.id}`);
        expect(firstResponse.body.handover.firstResponseAt).not.toBeNull();
        expect(firstResponse.body.messages.find((m) => m.clientId === 'h1')?.text).toBe('Great, write to •••••• or call ••••••');
        expect(firstResponse.body.mayReveal).toBe(false);
        const revealed = await world.admin.request<RevealedValues>('POST', `/handovers/${handover.id}/reveal`, { reason: 'visitor asked for a copy' });
        expect(revealed.body.messages.find((m) => m.clientId === 'h1')?.text).toContain('ann.smith@example.com');

        const resolved = await kari.client.request<HandoverView>('POST', `/handovers/${handover.id}/resolve`, { code: 'answered', note: 'Sent the price list' });
        expect(resolved.status).toBe(200);
        expect(resolved.body).toMatchObject({ state: 'resolved', resolution: 'answered' });
        await visitor.until((t) => messageEvent(t, (m) => m.notice?.kind === 'operator-left'), 'the left notice');
        const left = visitor.timeline.map((e) => e.data as ChatMessage).find((m) => m.notice?.kind === 'operator-left')!;
        expect(left).toMatchObject({ sender: 'system', notice: { kind: 'operator-left', name: 'Kari', rate: true }, text: 'Kari left the chat' });

        // The bot answers again.
        expect((await send(world.url, session.token, 'a1', 'What are your prices?')).status).toBe(202);
        await visitor.until((t) => messageEvent(t, (m) => m.sender === 'bot' && m.id > left.id), 'the bot’s answer after the handover');

        const rate = (body: unknown) => call(world.url, '/api/v1/rating', { token: session.token, json: body });
        expect((await rate({ score: 6 })).status).toBe(400);
        expect((await rate({ score: 5, comment: 'Quick and kind' })).status).toBe(201);
        const twice = await rate({ score: 1 });
        expect(twice.status).toBe(409);
        expect(twice.body.error.code).toBe('nothing_to_rate');
        const rated = await supervisor.client.request<HandoverDetail>('GET', `/handovers/${handover.id}`);
        expect(rated.body.handover.rating).toEqual({ score: 5, comment: 'Quick and kind' });
        await queue.until((t) => t.some((e) => (e.data as HandoverView).id === handover.id && (e.data as HandoverView).rating?.score === 5), 'the rating in the queue');
      } finally {
        queue.disconnect();
        visitor.disconnect();
        watching.disconnect();
      }
    });

    it('typing both ways: the holder’s reaches the visitor as {typing, who: operator}, the visitor’s reaches the holder; nobody holding it, the visitor’s goes nowhere', async () => {
      const { session, handover } = await world.visitorAskingForHuman(kari.client);
      const visitor = await world.visitorChannel(session, 'typing');
      const console = await world.follow(supervisor.client, consoleConversationChannel(session.conversationId), 'typing');
      const visitorTyping = (typing: boolean) => call(world.url, '/api/v1/typing', { token: session.token, json: { typing } });
      try {
        // Waiting: no one holds it, so the visitor's typing is told to no one.
        expect((await visitorTyping(true)).status).toBe(204);
        expect((await kari.client.request('POST', `/handovers/${handover.id}/take`)).status).toBe(200);
        expect((await visitorTyping(false)).status).toBe(204);
        await console.until((t) => typingEvents(t).length > 0, 'the visitor’s typing on the console');
        expect(typingEvents(console.timeline)).toEqual([{ typing: false }]);
        expect((await kari.client.request('POST', `/handovers/${handover.id}/typing`, { typing: true })).status).toBe(204);
        await visitor.until((t) => typingEvents(t).some((e) => e.who === 'operator'), 'the operator’s typing');
        expect(typingEvents(visitor.timeline).filter((e) => e.who === 'operator')).toEqual([{ typing: true, who: 'operator' }]);
        expect((await call(world.url, '/api/v1/typing', { token: session.token, json: { typing: 'yes' } })).status).toBe(400);
        expect((await call(world.url, '/api/v1/typing', { token: 'nope', json: { typing: true } })).status).toBe(401);
      } finally {
        visitor.disconnect();
        console.disconnect();
      }
    });

    it('typing is rate limited per conversation: 60 a minute, then 429 with Retry-After', async () => {
      const { session } = await world.visitorAskingForHuman(kari.client);
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await call(world.url, '/api/v1/typing', { token: session.token, json: { typing: i % 2 === 0 } })).status);
      expect(statuses.slice(0, 60).every((s) => s === 204)).toBe(true);
      const over = await call(world.url, '/api/v1/typing', { token: session.token, json: { typing: true } });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('rating: nothing to rate before a handover is resolved, or in a conversation that never had one (409 nothing_to_rate)', async () => {
      const { session } = await world.visitorAskingForHuman(kari.client);
      const early = await call(world.url, '/api/v1/rating', { token: session.token, json: { score: 4 } });
      expect([early.status, early.body.error.code]).toEqual([409, 'nothing_to_rate']);
      for (const body of [{}, { score: 0 }, { score: 2.5 }, { score: '5' }, { score: 5, comment: 'x'.repeat(1001) }, { score: 5, handoverId: 'x' }]) {
        expect((await call(world.url, '/api/v1/rating', { token: session.token, json: body })).status, JSON.stringify(body)).toBe(400);
      }
    });
  });
});
