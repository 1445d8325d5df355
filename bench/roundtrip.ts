// Visitor → bot-reply round trip through the whole server: HTTPS-style POST, store, bot engine,
// encrypted publish, pusher-js decrypt. 200 concurrent conversations, each sending its next
// message when the previous reply arrived (closed loop). Embedded realtime and soketi, same run.
// Run: npx tsx bench/roundtrip.ts [seconds=15] [conversations=200]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PusherJs from 'pusher-js';
import { startParley } from '../test/helpers/parley-server.ts';
import { parleyEnvFor, startSoketi } from '../test/helpers/soketi.ts';
import { authorize, openSession, send } from '../test/helpers/visitor-api.ts';
import type { ChatMessage, SessionResponse } from '../common/wire.ts';
import { percentile } from './stats.ts';

const SECONDS = Number(process.argv[2] ?? 15);
const CONVERSATIONS = Number(process.argv[3] ?? 200);
const QUESTIONS = ['What are your opening hours?', 'How much does it cost?', 'How can I contact you?', 'thanks!', 'hello'];

/** The demo bot with the per-conversation message limit at its maximum, so the bench measures the server. */
function benchBots(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-bots-'));
  const demo = JSON.parse(readFileSync(new URL('../bots/demo.json', import.meta.url), 'utf8'));
  demo.policy = { ...demo.policy, messagesPerMinute: 600 };
  writeFileSync(join(dir, 'demo.json'), JSON.stringify(demo));
  return dir;
}

interface Visitor {
  session: SessionResponse;
  client: PusherJs;
  waiting?: { after: number; resolve: () => void };
}

async function connect(url: string, session: SessionResponse): Promise<Visitor> {
  const rt = session.realtime;
  const client = new PusherJs(rt.key, {
    cluster: rt.cluster,
    wsHost: rt.wsHost,
    wsPort: rt.wsPort,
    forceTLS: false,
    enabledTransports: ['ws'],
    channelAuthorization: {
      endpoint: rt.authEndpoint,
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        authorize(url, session.token, socketId, channelName).then(
          (res) => (res.status === 200 ? callback(null, res.body) : callback(new Error(`auth ${res.status}`), null)),
          (err: Error) => callback(err, null),
        );
      },
    },
  });
  const visitor: Visitor = { session, client };
  const channel = client.subscribe(session.channel);
  channel.bind('message', (message: ChatMessage) => {
    if (message.sender === 'bot' && visitor.waiting && message.id > visitor.waiting.after) {
      const { resolve } = visitor.waiting;
      visitor.waiting = undefined;
      resolve();
    }
  });
  await new Promise<void>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve());
    channel.bind('pusher:subscription_error', (e: unknown) => reject(new Error(JSON.stringify(e))));
  });
  return visitor;
}

async function run(label: string, env: Record<string, string>) {
  const parley = await startParley({ ...env, BOTS_DIR: benchBots(), RATE_SESSIONS_PER_IP: '1000000', RATE_AUTH_PER_IP: '1000000', LOG_LEVEL: 'error' });
  const visitors: Visitor[] = [];
  try {
    for (let i = 0; i < CONVERSATIONS; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, CONVERSATIONS - i) }, () => openSession(parley.url)));
      visitors.push(...(await Promise.all(batch.map((s) => connect(parley.url, s)))));
    }
    const latencies: number[] = [];
    let refused = 0;
    let measuring = false;
    const stopAt = Date.now() + 2000 + SECONDS * 1000;
    setTimeout(() => (measuring = true), 2000); // warm-up
    let sent = 0;
    await Promise.all(
      visitors.map(async (v, n) => {
        while (Date.now() < stopAt) {
          const started = performance.now();
          const text = QUESTIONS[(n + sent++) % QUESTIONS.length]!;
          const res = await send(parley.url, v.session.token, `b${n}-${sent}`, text);
          if (res.status !== 202) {
            refused++;
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          await new Promise<void>((resolve) => {
            v.waiting = { after: res.body.message.id, resolve };
            setTimeout(resolve, 10_000);
          });
          if (measuring) latencies.push(performance.now() - started);
        }
      }),
    );
    const result = {
      label,
      conversations: CONVERSATIONS,
      replies: latencies.length,
      perSecond: latencies.length / SECONDS,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      refused,
    };
    console.log(
      `${label.padEnd(9)} ${result.replies} replies in ${SECONDS}s = ${result.perSecond.toFixed(0)} msg/s; ` +
        `round trip p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms; refused ${refused}`,
    );
    return result;
  } finally {
    for (const v of visitors) v.client.disconnect();
    await parley.stop();
  }
}

const app = { appId: '424242', key: 'benchkey', secret: 'bench-secret-0123456789abcdef' };
const embedded = await run('embedded', { PUSHER_APP_ID: app.appId, PUSHER_KEY: app.key, PUSHER_SECRET: app.secret });
const soketi = await startSoketi(app);
let viaSoketi;
try {
  viaSoketi = await run('soketi', {
    ...parleyEnvFor(app, soketi),
  });
} finally {
  await soketi.stop();
}
console.log(
  `ratio embedded/soketi: throughput ${(embedded.perSecond / viaSoketi.perSecond).toFixed(2)}x, ` +
    `p99 ${(embedded.p99 / viaSoketi.p99).toFixed(2)}x (lower is better)`,
);
console.log(`target p99 < 20 ms with embedded realtime at ${CONVERSATIONS} conversations: ${embedded.p99 < 20 ? 'met' : 'NOT met'}`);
process.exit(0);
