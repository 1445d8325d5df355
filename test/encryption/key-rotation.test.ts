// Rotating REALTIME_ENCRYPTION_KEY while a conversation is open loses nothing. Parley publishes to
// soketi; a real pusher-js client stays connected to soketi throughout, holding the shared secret
// derived from the old key. Parley restarts (same DATA_DIR, so the same visitor-token keys) with a
// new master key: the next event fails to open, pusher-js re-authorizes once against the restarted
// server, gets the new secret and shows the event. Every message in history arrives, in clear.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChatMessage } from '../../common/wire.ts';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { parleyEnvFor, startSoketi, type RunningSoketi } from '../helpers/soketi.ts';
import { authorize, history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';
import { subscribeWithPusherJs } from './pusher-js-subscriber.ts';
import { madeTempDir } from '../helpers/temp-dirs.ts';

const app = { appId: '31', key: 'rotation-key', secret: randomBytes(24).toString('hex') };
let soketi: RunningSoketi;
beforeAll(async () => {
  soketi = await startSoketi(app);
});
afterAll(async () => {
  await soketi?.stop();
});

function parleyWith(dataDir: string, masterKey: string) {
  return startInProcess({
    DATA_DIR: dataDir,
    ...parleyEnvFor(app, soketi),
    REALTIME_ENCRYPTION_KEY: masterKey,
  });
}

async function exchange(url: string, token: string, clientId: string, text: string): Promise<ChatMessage[]> {
  const sent = await send(url, token, clientId, text);
  expect(sent.status).toBe(202);
  const id = (sent.body as { message: ChatMessage }).message.id;
  const messages = await waitForHistory(url, token, (all) => all.some((m) => m.sender === 'bot' && m.id > id));
  return messages;
}

it('keeps delivering, in clear, across a master-key rotation', async () => {
  const dataDir = madeTempDir('parley-rotation-');
  let parley = await parleyWith(dataDir, randomBytes(32).toString('base64'));
  const session = await openSession(parley.url);
  const authorizations: string[] = [];
  // The frame's auth endpoint is "wherever Parley is now", as behind a load balancer.
  const client = await subscribeWithPusherJs({
    key: app.key,
    host: soketi.host,
    port: soketi.port,
    channel: session.channel,
    event: 'message',
    authorize: async (socketId, channel) => {
      const res = await authorize(parley.url, session.token, socketId, channel);
      if (res.status !== 200) throw new Error(`auth ${res.status}`);
      authorizations.push(res.body.shared_secret);
      return res.body;
    },
  });
  try {
    const before = await history(parley.url, session.token);
    await exchange(parley.url, session.token, 'c-before', 'What are your opening hours?');
    const firstBatch = (await history(parley.url, session.token)).slice(before.length);
    await client.waitFor(firstBatch.length);

    await parley.close();
    parley = await parleyWith(dataDir, randomBytes(32).toString('base64'));
    await exchange(parley.url, session.token, 'c-after', 'Where are you located?');
    const afterRotation = (await history(parley.url, session.token)).slice(before.length);

    const received = (await client.waitFor(afterRotation.length)) as ChatMessage[];
    expect(received.map((m) => [m.id, m.text])).toEqual(afterRotation.map((m) => [m.id, m.text]));
    // Re-authorized once for the new key (possibly once per event that arrived before the new key did).
    expect(new Set(authorizations).size).toBe(2);
  } finally {
    client.disconnect();
    await parley.close();
  }
});
