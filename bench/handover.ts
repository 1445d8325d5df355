// Live handover latency through the whole server (issue 14): 200 conversations at once, each held
// by an operator. Operator → visitor: the console's HTTP POST, store, sealed publish, the visitor's
// pusher-js decrypts it. Visitor → operator: the visitor's POST, store, the turn passing it on,
// sealed publish on the console's conversation channel, the operator's pusher-js decrypts it.
// Every conversation exchanges one message each way every ~2 s (a brisk chat); p50/p99 per
// direction, one process with embedded realtime, then one with soketi, in one run.
// Run: npx tsx bench/handover.ts [seconds=15] [conversations=200] [operators=10]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PusherJs from 'pusher-js';
import { consoleConversationChannel, type HandoverList } from '../common/handover-wire.ts';
import type { ChatMessage, RealtimeClientConfig, SessionResponse } from '../common/wire.ts';
import type { ConsoleClient } from '../test/helpers/console-client.ts';
import { staffConsole } from '../test/helpers/console-setup.ts';
import { handoverBotsDir } from '../test/helpers/handover-world.ts';
import { startParley } from '../test/helpers/parley-server.ts';
import { pollUntil } from '../test/helpers/poll.ts';
import { startSmtpCapture } from '../test/helpers/smtp-capture.ts';
import { parleyEnvFor, startSoketi } from '../test/helpers/soketi.ts';
import { call, openSession, send } from '../test/helpers/visitor-api.ts';
import { closeClient, lightClient, subscribeMessages, subscribeVisitor } from './light-visitor.ts';
import { percentile, processCpuMs } from './stats.ts';

const SECONDS = Number(process.argv[2] ?? 15);
const CONVERSATIONS = Number(process.argv[3] ?? 200);
const OPERATORS = Number(process.argv[4] ?? 10);
const PACE_MS = 2000;
const WARM_UP_MS = 2000;
/** A message not seen within this is counted lost. */
const LOST_AFTER_MS = 10_000;
const TARGET_P99_MS = 30;

/** Everyone waiting for a message, by its text (unique per message): the arrival resolves the wait. */
const arrivals = new Map<string, () => void>();
/** Each side waits for the other's messages only (the console channel carries the operator's own too, the visitor's the visitor's). */
const arrivedFrom = (sender: ChatMessage['sender']) => (message: ChatMessage) => {
  if (message.sender === sender) arrivals.get(message.text)?.();
};

/** Sends with `post`, resolves with the milliseconds until `text` arrived on the other side; null when lost or refused. */
async function timed(text: string, post: () => Promise<number>): Promise<number | null> {
  const started = performance.now();
  const seen = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), LOST_AFTER_MS);
    arrivals.set(text, () => (clearTimeout(timer), resolve(true)));
  });
  const status = await post();
  const ok = (status === 201 || status === 202) && (await seen);
  arrivals.delete(text);
  return ok ? performance.now() - started : null;
}

interface Held {
  session: SessionResponse;
  visitor: PusherJs;
  handoverId: string;
  operator: ConsoleClient;
}

/** One pusher-js client per operator (as one console tab), subscribed to the console channel of each conversation it holds. */
async function operatorRealtime(operator: ConsoleClient, conversationIds: string[]): Promise<PusherJs> {
  const rt = (await operator.request<RealtimeClientConfig>('GET', '/realtime')).body;
  const client = lightClient(new URL(operator.baseUrl).origin, rt, (socketId, channel) => operator.request('POST', '/realtime/auth', { socket_id: socketId, channel_name: channel }));
  await Promise.all(conversationIds.map((id) => subscribeMessages(client, consoleConversationChannel(id), arrivedFrom('visitor'))));
  return client;
}

/** Signs in the operators, opens the conversations, has each visitor ask for a human and an operator take it. */
async function staffed(url: string, port: number, env: Record<string, string>, smtp: Awaited<ReturnType<typeof startSmtpCapture>>) {
  const desk = await staffConsole({ url, port }, env, smtp);
  const operators: ConsoleClient[] = [];
  for (let i = 0; i < OPERATORS; i++) {
    const { client } = await desk.staff(`op${i}@example.test`, 'operator', ['demo'], `Operator ${i}`);
    await client.request('PUT', '/presence', { available: true });
    operators.push(client);
  }
  const sessions: SessionResponse[] = [];
  const visitors: PusherJs[] = [];
  for (let i = 0; i < CONVERSATIONS; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, CONVERSATIONS - i) }, () => openSession(url)));
    visitors.push(...(await Promise.all(batch.map((s) => subscribeVisitor(url, s, arrivedFrom('operator'))))));
    sessions.push(...batch);
    await Promise.all(batch.map((s) => call(url, '/api/v1/messages', { token: s.token, json: { clientId: 'human', action: 'handover:yes' } })));
  }
  const waiting = await pollUntil(
    () => operators[0]!.request<HandoverList>('GET', '/handovers?state=waiting&limit=200'),
    (answer) => answer.body.handovers.length >= CONVERSATIONS,
    'every conversation waiting for an operator',
    60_000,
  );
  const byConversation = new Map(waiting.body.handovers.map((h) => [h.conversationId, h.id]));
  const held: Held[] = sessions.map((session, i) => ({ session, visitor: visitors[i]!, handoverId: byConversation.get(session.conversationId)!, operator: operators[i % OPERATORS]! }));
  for (const h of held) {
    const took = await h.operator.request('POST', `/handovers/${h.handoverId}/take`);
    if (took.status !== 200) throw new Error(`take answered ${took.status}`);
  }
  const consoles = await Promise.all(operators.map((op) => operatorRealtime(op, held.filter((h) => h.operator === op).map((h) => h.session.conversationId))));
  return { held, disconnect: () => [...visitors, ...consoles].forEach(closeClient) };
}

async function run(label: string, env: Record<string, string>) {
  const smtp = await startSmtpCapture();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const serverEnv = {
    ...env,
    DATA_DIR: dataDir,
    BOTS_DIR: handoverBotsDir(),
    SMTP_URL: smtp.url,
    RATE_SESSIONS_PER_IP: '1000000',
    RATE_AUTH_PER_IP: '1000000',
    RATE_CONSOLE_LOGINS_PER_IP: '1000000',
    RATE_OPERATOR_POSTS_PER_MIN: '1000000',
    REALTIME_MAX_CONNECTIONS_PER_IP: String(CONVERSATIONS + OPERATORS),
    LOG_LEVEL: 'error',
  };
  const parley = await startParley(serverEnv);
  const world = await staffed(parley.url, parley.port, serverEnv, smtp);
  const toVisitor: number[] = [];
  const toOperator: number[] = [];
  let lost = 0;
  let measuring = false;
  const warmUp = setTimeout(() => (measuring = true), WARM_UP_MS);
  const stopAt = Date.now() + WARM_UP_MS + SECONDS * 1000;
  let sequence = 0;
  const cpuBefore = processCpuMs(parley.proc.pid!);
  let cpuPerMessage: number;
  const record = (into: number[], ms: number | null) => {
    if (ms === null) lost++;
    else if (measuring) into.push(ms);
  };
  try {
    await Promise.all(
      world.held.map(async (h) => {
        await new Promise((r) => setTimeout(r, Math.random() * PACE_MS));
        while (Date.now() < stopAt) {
          const began = Date.now();
          const n = sequence++;
          const fromOperator = `o-${n}`;
          record(toVisitor, await timed(fromOperator, async () => (await h.operator.request('POST', `/handovers/${h.handoverId}/messages`, { clientId: fromOperator, text: fromOperator })).status));
          const fromVisitor = `v-${n}`;
          record(toOperator, await timed(fromVisitor, async () => (await send(parley.url, h.session.token, fromVisitor, fromVisitor)).status));
          await new Promise((r) => setTimeout(r, Math.max(0, PACE_MS - (Date.now() - began))));
        }
      }),
    );
    cpuPerMessage = (processCpuMs(parley.proc.pid!) - cpuBefore) / Math.max(1, sequence * 2);
  } finally {
    clearTimeout(warmUp);
    world.disconnect();
    await parley.stop();
    await smtp.close();
  }
  const figures = (values: number[]) => `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms (${values.length})`;
  console.log(`${label.padEnd(10)} operator → visitor ${figures(toVisitor)}; visitor → operator ${figures(toOperator)}; lost ${lost}; server CPU ${cpuPerMessage.toFixed(2)} ms/message`);
  return { toVisitor: percentile(toVisitor, 99), toOperator: percentile(toOperator, 99) };
}

const app = { appId: '424243', key: 'benchkey', secret: 'bench-secret-0123456789abcdef' };
console.log(`${CONVERSATIONS} conversations held by ${OPERATORS} operators, one message each way per ${PACE_MS / 1000} s each, ${SECONDS} s measured`);
const embedded = await run('embedded', { PUSHER_APP_ID: app.appId, PUSHER_KEY: app.key, PUSHER_SECRET: app.secret });
const soketi = await startSoketi(app);
try {
  await run('soketi', parleyEnvFor(app, soketi));
} finally {
  await soketi.stop();
}
const worst = Math.max(embedded.toVisitor, embedded.toOperator);
console.log(`target p99 < ${TARGET_P99_MS} ms each way with embedded realtime: ${worst < TARGET_P99_MS ? 'met' : 'NOT met'} (${worst.toFixed(1)} ms)`);
process.exit(0);
