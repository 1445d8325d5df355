// Every message that got its 202 gets exactly one answer, whatever happens to the process after:
// kill -9 with turns in flight, or SIGTERM. The server runs as a real child process on its own
// SQLite file; the restarted one finds the turns the first left pending.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../common/wire.ts';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { startRecordingProxy, type RecordingProxy } from '../encryption/recording-proxy.ts';
import { history, openSession, send, waitForHistory } from '../helpers/visitor-api.ts';

const CONVERSATIONS = 30;
const MESSAGES_EACH = 4;
const ENV = { RATE_SESSIONS_PER_IP: '100000', RATE_AUTH_PER_IP: '100000', TURN_SCAN_INTERVAL: '200ms' };

let running: ParleyProcess[] = [];
const relays: RecordingProxy[] = [];
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  running = [];
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

async function start(env: Record<string, string> = {}): Promise<ParleyProcess> {
  const parley = await startParley({ ...ENV, ...env });
  running.push(parley);
  return parley;
}

/** The same server on the same data, with a relay that answers at once. */
async function restart(first: ParleyProcess): Promise<ParleyProcess> {
  const relay = await startRecordingProxy();
  relays.push(relay);
  return start({
    ...deploymentSecrets('durable'), REALTIME: 'pusher', PUSHER_HOST: relay.host, PUSHER_PORT: String(relay.port), PUSHER_USE_TLS: 'false',
    DATA_DIR: first.dataDir, PORT: String(first.port),
  });
}

function pendingTurnsOnDisk(dataDir: string): number {
  // Not readonly: after a crash the pending rows may be only in the WAL, which a reader must be able to recover.
  const db = new Database(path.join(dataDir, 'parley.db'));
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages WHERE turn IS NOT NULL').get()!.n;
  } finally {
    db.close();
  }
}

const botReplies = (messages: ChatMessage[]) => messages.filter((m) => m.sender === 'bot').length;
const clientIds = (conversation: number) => Array.from({ length: MESSAGES_EACH }, (_, n) => `m${conversation}-${n}`);

async function crashWithTurnsInFlight(signal: NodeJS.Signals) {
  // A slow relay (every publish held 300 ms) keeps turns in flight long enough for the signal to
  // catch them: a turn publishes "typing" before it asks the bot.
  const relay = await startRecordingProxy({ delayMs: 300 });
  relays.push(relay);
  const first = await start({ ...deploymentSecrets('durable'), REALTIME: 'pusher', PUSHER_HOST: relay.host, PUSHER_PORT: String(relay.port), PUSHER_USE_TLS: 'false' });
  const sessions = await Promise.all(Array.from({ length: CONVERSATIONS }, () => openSession(first.url)));
  // The control: how many replies the greeting and one "hello" turn make, on a conversation nothing happens to.
  const control = await openSession(first.url);
  const greeting = botReplies(await history(first.url, control.token));
  expect((await send(first.url, control.token, 'control', 'hello')).status).toBe(202);
  const perTurn = botReplies(await waitForHistory(first.url, control.token, (m) => m.at(-1)?.sender === 'bot' && botReplies(m) > greeting)) - greeting;
  expect(perTurn).toBeGreaterThan(0);

  // Every conversation gets several messages at once, so many turns queue up behind each other;
  // the signal goes out the moment the first 202 arrives, with nearly all of them still to run.
  let stopped: Promise<void> | undefined;
  const sent = await Promise.all(
    sessions.flatMap((s, i) =>
      clientIds(i).map((clientId) =>
        send(first.url, s.token, clientId, 'hello').then(
          (res) => {
            if (res.status === 202) stopped ??= first.stop(signal);
            return res.status;
          },
          () => 0, // the connection died with the process: no answer promised
        ),
      ),
    ),
  );
  await stopped;
  expect(sent).toContain(202);
  return { first, sessions, greeting, perTurn, sent };
}

/**
 * After the restart the frame retries what got no 202, with the same clientId; then every visitor
 * message has its answer, and no answer is there twice: the bot's replies are exactly one turn's
 * worth per message.
 */
async function expectEveryMessageAnsweredOnce(url: string, crash: Awaited<ReturnType<typeof crashWithTurnsInFlight>>) {
  const { sessions, sent, greeting, perTurn } = crash;
  for (const [i, session] of sessions.entries()) {
    for (const [n, clientId] of clientIds(i).entries()) {
      if (sent[i * MESSAGES_EACH + n] !== 202) expect((await send(url, session.token, clientId, 'hello')).status).toBe(202);
    }
  }
  const expected = greeting + MESSAGES_EACH * perTurn;
  for (const session of sessions) {
    const messages = await waitForHistory(url, session.token, (m) => botReplies(m) >= expected && m.at(-1)?.sender === 'bot');
    expect(messages.filter((m) => m.sender === 'visitor')).toHaveLength(MESSAGES_EACH);
    expect(botReplies(messages)).toBe(expected);
  }
}

describe('durable bot turns', () => {
  it('kill -9 with turns in flight: after a restart every message has exactly one answer', async () => {
    const crash = await crashWithTurnsInFlight('SIGKILL');
    // The crash must have caught turns unfinished, or this test would prove nothing.
    expect(pendingTurnsOnDisk(crash.first.dataDir)).toBeGreaterThan(0);

    const second = await restart(crash.first);
    await expectEveryMessageAnsweredOnce(second.url, crash);
    expect(pendingTurnsOnDisk(crash.first.dataDir)).toBe(0);
  });

  it('SIGTERM drains: the process exits 0, and no message is left unanswered or answered twice', async () => {
    const crash = await crashWithTurnsInFlight('SIGTERM');
    expect(crash.first.proc.exitCode).toBe(0);
    const second = await restart(crash.first);
    await expectEveryMessageAnsweredOnce(second.url, crash);
  });
});
