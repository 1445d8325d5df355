// What a conversation leaves in the server's memory once its visitor has gone. Visitors come and go
// all day (issue 17's soak: a new one every few seconds), so anything kept per conversation after
// it ends grows with every visitor a server has ever had. A real Parley server in this process,
// real HTTP, a real SQLite store and key store; V8's own collector decides what is still reachable.
import { KeyObject } from 'node:crypto';
import { queryObjects, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { openSession, send, waitForHistory } from '../helpers/visitor-api.ts';

// A fresh context made after the flag is set has gc() as a global: collection on demand, in this process.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Unwrapped data keys alive in this process (one per conversation generation the keyring holds), after a full collection. */
function liveKeys(): number {
  gc();
  return queryObjects(KeyObject, { format: 'count' }) as number;
}

/** Opens a conversation, asks one question and waits for the bot's answer: what every visitor of the soak does. */
async function visit(url: string, text: string): Promise<string> {
  const session = await openSession(url);
  expect((await send(url, session.token, 'q1', text)).status).toBe(202);
  await waitForHistory(url, session.token, (messages) => messages.at(-1)?.sender === 'bot' && messages.some((m) => m.clientId === 'q1'));
  return session.token;
}

const VISITORS = 40;
let now = Date.now();
let parley: Awaited<ReturnType<typeof startInProcess>>;
beforeAll(async () => {
  parley = await startInProcess({}, { clock: () => new Date(now) });
});
afterAll(() => parley?.close());

it("the keys of conversations nobody has used for a while are let go, and a visitor who comes back is still answered", async () => {
  await visit(parley.url, 'hello');
  const before = liveKeys();
  const tokens: string[] = [];
  for (let i = 0; i < VISITORS; i++) tokens.push(await visit(parley.url, 'what are your opening hours'));
  // The measure sees them while they are in use: each conversation's key is held.
  expect(liveKeys()).toBeGreaterThanOrEqual(before + VISITORS);

  // An hour later, far past any pause between two messages of one visitor, a new visitor arrives.
  now += 60 * 60_000;
  await visit(parley.url, 'hello');
  expect(liveKeys()).toBeLessThanOrEqual(before + 2);

  // One who had left comes back: its key is read from the key store again, its history opens.
  const back = tokens[0]!;
  expect((await send(parley.url, back, 'q2', 'how much does it cost')).status).toBe(202);
  const messages = await waitForHistory(parley.url, back, (m) => m.at(-1)?.sender === 'bot' && m.some((x) => x.clientId === 'q2'));
  expect(messages.filter((m) => m.sender === 'visitor').map((m) => m.text)).toEqual(['what are your opening hours', 'how much does it cost']);
});
