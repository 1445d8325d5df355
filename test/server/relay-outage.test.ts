// A relay that refuses every publish costs the visitor the live update, never the answer: a whole
// conversation, a form included, is answered and stored while soketi sits behind a proxy that
// answers 503; once the proxy lets publishes through again, replies arrive live once more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../common/wire.ts';
import { startRecordingProxy, type RecordingProxy } from '../encryption/recording-proxy.ts';
import { subscribeWithPusherJs } from '../encryption/pusher-js-subscriber.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { parleyEnvFor, startSoketi, type RunningSoketi } from '../helpers/soketi.ts';
import { authorize, history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';

const APP = { appId: 'outage', key: 'outage-key', secret: 'outage-secret-0123456789' };

let soketi: RunningSoketi;
let relay: RecordingProxy;
// Read by the proxy on every request: no upstream means "answer 503 yourself".
const relayMode: { upstream?: { host: string; port: number }; answer: { status: number; body: string } } = {
  answer: { status: 503, body: '{"error":"relay down"}' },
};

beforeAll(async () => {
  soketi = await startSoketi(APP);
  relay = await startRecordingProxy(relayMode);
});
afterAll(async () => {
  await relay?.close();
  await soketi?.stop();
});

const botCount = (messages: ChatMessage[]) => messages.filter((m) => m.sender === 'bot').length;

describe('relay outage', () => {
  it('answers and stores a whole conversation while every publish fails, then goes live again', async () => {
    const parley = await startInProcess(parleyEnvFor(APP, relay));
    try {
      const session = await openSession(parley.url);
      const turns = ['hello', 'I want to book a demo', 'Ada Lovelace', 'ada@example.com', 'What are your opening hours?'];
      for (const [i, text] of turns.entries()) {
        const before = botCount(await history(parley.url, session.token));
        expect((await send(parley.url, session.token, `t${i}`, text)).status).toBe(202);
        await waitForHistory(parley.url, session.token, (m) => m.at(-1)?.sender === 'bot' && botCount(m) > before);
      }
      const messages = await history(parley.url, session.token);
      expect(messages.filter((m) => m.sender === 'visitor')).toHaveLength(turns.length);
      expect(messages.map((m) => m.id)).toEqual(messages.map((_, i) => i + 1));
      // The relay really was asked, and really refused.
      expect(relay.requests.some((r) => r.url.includes('/events'))).toBe(true);

      relayMode.upstream = { host: soketi.host, port: soketi.port };
      const live = await subscribeWithPusherJs({
        key: APP.key,
        host: soketi.host,
        port: soketi.port,
        channel: session.channel,
        event: 'message',
        authorize: async (socketId, channel) => (await authorize(parley.url, session.token, socketId, channel)).body,
      });
      try {
        const sent = await send(parley.url, session.token, 'after', 'thanks');
        expect(sent.status).toBe(202);
        const mine = sent.body.message as ChatMessage;
        // A retry of an earlier reply may land first now that the relay is back; wait for ours.
        let events: ChatMessage[] = [];
        for (let count = 1; !events.some((e) => e.sender === 'bot' && e.id > mine.id); count++) {
          events = (await live.waitFor(count)) as ChatMessage[];
        }
        const ours = events.filter((e) => e.id >= mine.id);
        expect(ours.map((e) => [e.id, e.sender])).toEqual([[mine.id, 'visitor'], [mine.id + 1, 'bot']]);
      } finally {
        live.disconnect();
      }
    } finally {
      await parley.close();
    }
  });
});
