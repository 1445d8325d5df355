// The visitor flow end to end over real HTTP and a real pusher-js client: session, channel auth,
// message, bot reply on the encrypted channel, history, idempotency; on each store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachStore } from '../helpers/stores.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { authorize, call, history, openSession, send, subscribeToConversation, waitForHistory } from '../helpers/visitor-api.ts';
import { publishMarker } from '../helpers/channel-marker.ts';
import { pollUntil } from '../helpers/poll.ts';
import type { ChannelEvent } from '../encryption/pusher-js-subscriber.ts';
import { openStore } from '../../server/store/index.ts';
import { conversationChannel, type ChatMessage } from '../../common/wire.ts';

/** How many "typing on" (`typing` true) or "typing off" events a subscriber has seen: one of each per turn. */
const typingEvents = (timeline: ChannelEvent[], typing: boolean) =>
  timeline.filter((e) => e.event === 'typing' && (e.data as { typing: boolean }).typing === typing).length;

forEachStore((store) => {
  let parley: Awaited<ReturnType<typeof startInProcess>>;
  beforeAll(async () => {
    parley = await startInProcess(store.env());
  });
  afterAll(() => parley?.close());

  describe('sessions', () => {
    it('starts a conversation with a sealed token, its encrypted channel and a greeting in history', async () => {
      const session = await openSession(parley.url);
      expect(session.token.split('.')).toHaveLength(5);
      expect(session.channel).toBe(conversationChannel(session.conversationId));
      expect(session.channel.startsWith('private-encrypted-chat-')).toBe(true);
      expect(session.resumed).toBe(false);
      expect(session.botName).toBe('Nordlys assistant');
      expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
      expect(session.realtime.authEndpoint).toBe(`${parley.url}/api/v1/realtime/auth`);
      const messages = await history(parley.url, session.token);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.every((m) => m.sender === 'bot')).toBe(true);
    });

    it('answers the session with its first messages, so the frame needs no history round trip: the greeting, or on resume the history', async () => {
      const first = await openSession(parley.url);
      expect(first.messages.length).toBeGreaterThan(0);
      expect(first.messages).toEqual(await history(parley.url, first.token));
      expect((await send(parley.url, first.token, 'first-page-1', 'hello')).status).toBe(202);
      const held = await waitForHistory(parley.url, first.token, (messages) => messages.some((m) => m.sender === 'bot' && m.id > 2));
      const again = await openSession(parley.url, { resume: first.token });
      expect(again.messages).toEqual(held);
    });

    it('answers in the language asked for, mapping aliases (no → nb) and falling back to the default', async () => {
      const greeting = async (locale?: string) => (await history(parley.url, (await openSession(parley.url, locale ? { locale } : {})).token))[0]!.text;
      const english = await greeting();
      expect(await greeting('en-GB')).toBe(english);
      expect(await greeting('no')).toBe(await greeting('nb-NO'));
      expect(await greeting('nb')).not.toBe(english);
      expect(await greeting('es-419')).not.toBe(english);
      expect(await greeting('de')).toBe(english);
    });

    it('resumes the same conversation with an earlier token, and starts a new one without', async () => {
      const first = await openSession(parley.url);
      const again = await openSession(parley.url, { resume: first.token });
      expect(again.conversationId).toBe(first.conversationId);
      expect(again.resumed).toBe(true);
      const fresh = await openSession(parley.url);
      expect(fresh.conversationId).not.toBe(first.conversationId);
    });

    it('does not resume a conversation from another origin or with a tampered token', async () => {
      const first = await openSession(parley.url);
      const otherOrigin = await openSession(parley.url, { resume: first.token, origin: 'http://127.0.0.1:9999' });
      expect(otherOrigin.conversationId).not.toBe(first.conversationId);
      // Change a character in the middle of the authentication tag (the last part).
      const at = first.token.length - 10;
      const tampered = `${first.token.slice(0, at)}${first.token[at] === 'A' ? 'B' : 'A'}${first.token.slice(at + 1)}`;
      expect((await openSession(parley.url, { resume: tampered })).conversationId).not.toBe(first.conversationId);
    });

    it('refuses unknown bots, origins the bot does not allow, and calls from another page origin', async () => {
      expect((await call(parley.url, '/api/v1/sessions', { json: { bot: 'nobody' } })).status).toBe(404);
      const evil = await call(parley.url, '/api/v1/sessions', { json: { bot: 'demo', origin: 'https://evil.example' } });
      expect(evil.status).toBe(403);
      expect(evil.body).toEqual({ error: { code: 'origin_not_allowed', message: expect.any(String) } });
      const crossSite = await call(parley.url, '/api/v1/sessions', { json: { bot: 'demo' }, headers: { origin: 'https://evil.example' } });
      expect(crossSite.status).toBe(403);
      expect(crossSite.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('messages', () => {
    it('answers 202 with the stored message, then publishes typing and the bot reply on the channel', async () => {
      const session = await openSession(parley.url);
      const messages = await subscribeToConversation(parley, session, 'message');
      const typing = await subscribeToConversation(parley, session, 'typing');
      try {
        const res = await send(parley.url, session.token, 'c-1', 'What are your opening hours?');
        expect(res.status).toBe(202);
        expect(res.body.message).toMatchObject({ sender: 'visitor', text: 'What are your opening hours?', clientId: 'c-1' });
        const [, reply] = (await messages.waitFor(2)) as ChatMessage[];
        expect(reply!.sender).toBe('bot');
        expect(reply!.id).toBeGreaterThan(res.body.message.id);
        expect(await typing.waitFor(2)).toEqual([{ typing: true }, { typing: false }]);
        const stored = await history(parley.url, session.token, res.body.message.id - 1);
        expect(stored.map((m) => m.id)).toEqual([res.body.message.id, reply!.id]);
      } finally {
        messages.disconnect();
        typing.disconnect();
      }
    });

    it('stores a repeated clientId once and answers it once', async () => {
      const session = await openSession(parley.url);
      const channel = await subscribeToConversation(parley, session, 'message');
      const outbox = await openStore(parley.config);
      try {
        const first = await send(parley.url, session.token, 'same-id', 'hello');
        const repeat = await send(parley.url, session.token, 'same-id', 'hello');
        expect(repeat.status).toBe(202);
        expect(repeat.body.message).toEqual(first.body.message);
        // Barrier. Every turn the two sends could start was in the store's outbox before their
        // 202s; once none is pending, each has stored its replies, having published "typing on"
        // first. The marker, published after that, arrives after every "typing on"; each turn's
        // "typing off" follows its replies, so when they pair up nothing of any turn is still to come.
        await pollUntil(() => outbox.nextTurn(session.conversationId), (pending) => pending === null, 'the pending turns');
        await channel.until(await publishMarker(parley, session.channel), 'the marker');
        const timeline = await channel.until((t) => typingEvents(t, false) === typingEvents(t, true), 'the end of every turn');
        const echoes = timeline.filter((e) => e.event === 'message' && (e.data as ChatMessage).clientId === 'same-id');
        expect(echoes).toHaveLength(1);
        expect(typingEvents(timeline, true)).toBe(1);
        const answers = timeline.filter((e) => e.event === 'message' && (e.data as ChatMessage).sender === 'bot').map((e) => e.data);
        expect(answers.length).toBeGreaterThanOrEqual(1);

        const stored = await history(parley.url, session.token);
        expect(stored.filter((m) => m.clientId === 'same-id')).toHaveLength(1);
        expect(stored.filter((m) => m.id > first.body.message.id)).toEqual(answers);
      } finally {
        await outbox.close();
        channel.disconnect();
      }
    });

    it('keeps ids monotonic and history complete and ordered; after= has one meaning', async () => {
      const session = await openSession(parley.url);
      for (let i = 0; i < 5; i++) expect((await send(parley.url, session.token, `m${i}`, `message ${i}`)).status).toBe(202);
      const all = await waitForHistory(parley.url, session.token, (m) => m.filter((x) => x.sender === 'visitor').length === 5 && m.at(-1)!.sender === 'bot' && m.filter((x) => x.sender === 'bot').length >= 6);
      const ids = all.map((m) => m.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids).toEqual(ids.map((_, i) => i + 1));
      const tail = await history(parley.url, session.token, ids[2]!);
      expect(tail.map((m) => m.id)).toEqual(ids.slice(3));
    });

    it('a token reads and writes only its own conversation (V2)', async () => {
      const alice = await openSession(parley.url);
      const bob = await openSession(parley.url);
      await send(parley.url, alice.token, 'a1', 'alice secret words');
      const bobsView = await history(parley.url, bob.token);
      expect(JSON.stringify(bobsView)).not.toContain('alice secret words');
      expect(bobsView.every((m) => m.conversationId === bob.conversationId)).toBe(true);
    });
  });

  describe('rate limit per conversation', () => {
    it('rate limit: over 15 messages a minute is 429 with Retry-After, and the refused ones are neither stored nor published', async () => {
      const session = await openSession(parley.url);
      const events = await subscribeToConversation(parley, session, 'message');
      try {
        const results = [];
        for (let i = 0; i < 17; i++) results.push(await send(parley.url, session.token, `r${i}`, `question ${i}`));
        expect(results.slice(0, 15).every((r) => r.status === 202)).toBe(true);
        for (const refused of results.slice(15)) {
          expect(refused.status).toBe(429);
          expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        }
        // A visitor message's echo is published while its POST is answered, before the response:
        // an echo of r15 or r16 would be on the channel ahead of the marker published after the
        // 15 accepted turns have ended (so every accepted message is answered, too).
        await events.until((t) => typingEvents(t, false) >= 15, '15 finished turns', 15_000);
        const timeline = await events.until(await publishMarker(parley, session.channel), 'the marker');
        const published = timeline.filter((e) => e.event === 'message').map((e) => (e.data as ChatMessage).clientId);
        expect(typingEvents(timeline, false)).toBe(15);
        const stored = (await history(parley.url, session.token)).map((m) => m.clientId);
        for (const id of ['r15', 'r16']) {
          expect(published).not.toContain(id);
          expect(stored).not.toContain(id);
        }
        expect(stored.filter((id) => id?.startsWith('r'))).toHaveLength(15);
      } finally {
        events.disconnect();
      }
    });
  });

  describe('deletion', () => {
    it('DELETE /api/v1/conversation removes it, after which the token is 401 everywhere', async () => {
      const session = await openSession(parley.url);
      await send(parley.url, session.token, 'd1', 'forget me');
      expect((await call(parley.url, '/api/v1/conversation', { method: 'DELETE', token: session.token })).status).toBe(204);
      expect((await call(parley.url, '/api/v1/messages', { token: session.token })).status).toBe(401);
      expect((await send(parley.url, session.token, 'd2', 'hello?')).status).toBe(401);
      expect((await authorize(parley.url, session.token, '1.1', session.channel)).status).toBe(401);
      expect((await openSession(parley.url, { resume: session.token })).conversationId).not.toBe(session.conversationId);
    });
  });

  describe('demo site', () => {
    it('sends a visitor who typed another host for this server to the canonical origin', async () => {
      const res = await fetch(`http://127.0.0.1:${parley.port}/`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`${parley.url}/`);
      expect((await fetch(`${parley.url}/`, { redirect: 'manual' })).status).toBe(200);
    });
  });

  describe('health', () => {
    it('reports store and realtime readiness', async () => {
      const res = await call(parley.url, '/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', checks: { store: true, realtime: true, keyStore: true } });
    });
  });
});
