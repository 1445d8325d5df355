// Every message that got its 202 gets exactly one answer, whatever happens to the process after:
// kill -9 with turns in flight, or SIGTERM. The server runs as a real child process on its own
// SQLite file; the restarted one finds the turns the first left pending.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../common/wire.ts';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';

const CONVERSATIONS = 30;
const ENV = { RATE_SESSIONS_PER_IP: '100000', RATE_AUTH_PER_IP: '100000', TURN_SCAN_INTERVAL: '200ms' };

let running: ParleyProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  running = [];
});

async function start(env: Record<string, string> = {}): Promise<ParleyProcess> {
  const parley = await startParley({ ...ENV, ...env });
  running.push(parley);
  return parley;
}

function pendingTurnsOnDisk(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'parley.db'), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages WHERE turn IS NOT NULL').get()!.n;
  } finally {
    db.close();
  }
}

/** What follows the visitor's message in a conversation: the bot's answer to it, and nothing else. */
function answerTo(messages: ChatMessage[], clientId: string): string[] {
  const at = messages.findIndex((m) => m.clientId === clientId);
  return at < 0 ? [] : messages.slice(at + 1).map((m) => `${m.sender}: ${m.text}`);
}

const answered = (clientId: string) => (messages: ChatMessage[]) => messages.at(-1)?.sender === 'bot' && messages.some((m) => m.clientId === clientId);

async function crashWithTurnsInFlight(signal: NodeJS.Signals) {
  const first = await start();
  const sessions = await Promise.all(Array.from({ length: CONVERSATIONS }, () => openSession(first.url)));
  // The control: what the bot answers "hello" on a conversation nothing happens to.
  const control = await openSession(first.url);
  expect((await send(first.url, control.token, 'control', 'hello')).status).toBe(202);
  const expected = answerTo(await waitForHistory(first.url, control.token, answered('control')), 'control');
  expect(expected.length).toBeGreaterThan(0);

  // The signal goes out the moment the first 202 arrives, with the other turns still running.
  let stopped: Promise<void> | undefined;
  const sent = await Promise.all(
    sessions.map((s, i) =>
      send(first.url, s.token, `m${i}`, 'hello').then(
        (res) => {
          if (res.status === 202) stopped ??= first.stop(signal);
          return res.status;
        },
        () => 0, // the connection died with the process: no answer promised
      ),
    ),
  );
  await stopped;
  expect(sent).toContain(202);
  return { first, sessions, expected, sent };
}

/** After the restart the frame retries what got no 202, with the same clientId; then every message has one answer. */
async function expectEveryMessageAnsweredOnce(url: string, sessions: Array<{ token: string }>, sent: number[], expected: string[]) {
  for (const [i, session] of sessions.entries()) {
    if (sent[i] !== 202) expect((await send(url, session.token, `m${i}`, 'hello')).status).toBe(202);
  }
  for (const [i, session] of sessions.entries()) {
    const messages = await waitForHistory(url, session.token, answered(`m${i}`));
    expect(answerTo(messages, `m${i}`)).toEqual(expected);
  }
}

describe('durable bot turns', () => {
  it('kill -9 with turns in flight: after a restart every message has exactly one answer', async () => {
    const { first, sessions, expected, sent } = await crashWithTurnsInFlight('SIGKILL');
    // The crash must have caught turns unfinished, or this test would prove nothing.
    expect(pendingTurnsOnDisk(first.dataDir)).toBeGreaterThan(0);

    const second = await start({ DATA_DIR: first.dataDir, PORT: String(first.port) });
    await expectEveryMessageAnsweredOnce(second.url, sessions, sent, expected);
    expect(pendingTurnsOnDisk(first.dataDir)).toBe(0);
    // Nothing is answered twice later either: the history a moment after is the same history.
    for (const [i, session] of sessions.entries()) expect(answerTo(await history(second.url, session.token), `m${i}`)).toEqual(expected);
  });

  it('SIGTERM drains: the process exits 0, and no message is left unanswered or answered twice', async () => {
    const { first, sessions, expected, sent } = await crashWithTurnsInFlight('SIGTERM');
    expect(first.proc.exitCode).toBe(0);
    const second = await start({ DATA_DIR: first.dataDir, PORT: String(first.port) });
    await expectEveryMessageAnsweredOnce(second.url, sessions, sent, expected);
  });
});
