// A whole conversation through a real Parley server, in both realtime modes: embedded, and soketi
// behind a recording proxy (Parley's pusher-SDK publisher → proxy → soketi). A raw subscriber records
// every WebSocket frame the relay sends on the conversation's channel; in neither the frames nor
// the publisher's request bodies does the visitor's marker word or the bot's reply text appear,
// while a real pusher-js client, authorized by Parley's auth endpoint, reads both in clear.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, SessionResponse } from '../../common/wire.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { parleyEnvFor, startSoketi, type RunningSoketi } from '../helpers/soketi.ts';
import { authorize, history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { leakedMarkers, marker } from './markers.ts';
import { subscribeWithPusherJs } from './pusher-js-subscriber.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { subscribeRaw } from './raw-subscriber.ts';

const soketiApp = { appId: '21', key: 'parley-soketi-key', secret: randomBytes(24).toString('hex') };

interface Setup {
  parley: Awaited<ReturnType<typeof startInProcess>>;
  /** Where subscribers connect (Parley itself, or soketi directly: the proxy only carries HTTP). */
  ws: { host: string; port: number };
  proxy?: RecordingProxy;
  stop(): Promise<void>;
}

async function embeddedSetup(): Promise<Setup> {
  const parley = await startInProcess();
  return { parley, ws: { host: '127.0.0.1', port: parley.port }, stop: () => parley.close() };
}

async function soketiSetup(): Promise<Setup> {
  const soketi: RunningSoketi = await startSoketi(soketiApp);
  const proxy = await startRecordingProxy({ upstream: { host: soketi.host, port: soketi.port } });
  const parley = await startInProcess(parleyEnvFor(soketiApp, proxy));
  return {
    parley,
    ws: { host: soketi.host, port: soketi.port },
    proxy,
    async stop() {
      await parley.close();
      await proxy.close();
      await soketi.stop();
    },
  };
}

describe.each([
  ['embedded', embeddedSetup],
  ['soketi', soketiSetup],
])('a Parley conversation over the %s relay', (_mode, setup) => {
  let env: Setup;
  beforeAll(async () => {
    env = await setup();
  });
  afterAll(async () => {
    await env?.stop();
  });

  const signWith = (session: SessionResponse) => async (socketId: string, channel: string) => {
    const res = await authorize(env.parley.url, session.token, socketId, channel);
    if (res.status !== 200) throw new Error(`auth ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { auth: string; shared_secret: string };
  };

  it('relays only ciphertext, and pusher-js shows the visitor message and the bot reply in clear', async () => {
    const session = await openSession(env.parley.url);
    expect(session.channel).toBe(`private-encrypted-chat-${session.conversationId}`);
    const sign = signWith(session);
    const raw = await subscribeRaw({
      url: `ws://${env.ws.host}:${env.ws.port}/app/${session.realtime.key}?protocol=7&client=raw&version=0`,
      channel: session.channel,
      sign: async (socketId, channel) => ({ auth: (await sign(socketId, channel)).auth }),
      origin: new URL(env.parley.url).origin,
    });
    const client = await subscribeWithPusherJs({
      key: session.realtime.key,
      host: env.ws.host,
      port: env.ws.port,
      channel: session.channel,
      event: 'message',
      authorize: sign,
      origin: new URL(env.parley.url).origin,
    });
    const requestsBefore = env.proxy?.requests.length ?? 0;
    try {
      const word = marker('visitor');
      const sent = await send(env.parley.url, session.token, `c-${word}`, `Hello, my code word is ${word}. What are your opening hours?`);
      expect(sent.status).toBe(202);
      const stored = await waitForHistory(env.parley.url, session.token, (messages) =>
        messages.some((m) => m.sender === 'bot' && m.id > sent.body.message.id),
      );
      const published = stored.filter((m) => m.id >= sent.body.message.id);
      const reply = published.find((m) => m.sender === 'bot')!;
      // The reply's text carries spaces, which base64 never does: it cannot appear in a frame by chance.
      expect(reply.text).toMatch(/\S+\s+\S+/);

      const seen = (await client.waitFor(published.length)) as ChatMessage[];
      expect(seen.map((m) => m.text)).toEqual(published.map((m) => m.text));
      await raw.waitForEvents('message', published.length);

      const secrets = [word, ...published.map((m) => m.text)];
      expect(leakedMarkers(secrets, raw.frames)).toEqual([]);
      if (env.proxy) {
        const bodies = env.proxy.requests.slice(requestsBefore).map((r) => r.body);
        expect(bodies.length).toBeGreaterThanOrEqual(published.length);
        expect(leakedMarkers(secrets, bodies)).toEqual([]);
      }
    } finally {
      raw.close();
      client.disconnect();
    }
  });

  it("refuses the conversation's unencrypted channel name, and another conversation's channel", async () => {
    const mine = await openSession(env.parley.url);
    const theirs = await openSession(env.parley.url);
    const socketId = '123.456';
    const plain = await authorize(env.parley.url, mine.token, socketId, `private-chat-${mine.conversationId}`);
    expect(plain.status).toBe(403);
    expect(JSON.stringify(plain.body)).not.toMatch(/auth"|shared_secret/);
    const other = await authorize(env.parley.url, mine.token, socketId, theirs.channel);
    expect(other.status).toBe(403);
    const own = await authorize(env.parley.url, mine.token, socketId, mine.channel);
    expect(own.status).toBe(200);
    const ownSecret = (own.body as { shared_secret: string }).shared_secret;
    const theirSecret = (await authorize(env.parley.url, theirs.token, socketId, theirs.channel)).body.shared_secret;
    expect(Buffer.from(ownSecret, 'base64')).toHaveLength(32);
    expect(theirSecret).not.toBe(ownSecret);
    expect((await history(env.parley.url, mine.token)).length).toBeGreaterThan(0);
  });
});
