// Visitor → bot-reply round trip through the whole server: HTTP POST, store, bot engine,
// encrypted publish, pusher-js decrypt. 200 concurrent conversations in two phases:
//  - paced: every conversation sends a message every ~2 s (a brisk human), round-trip p50/p99;
//  - saturated: every conversation sends its next message as soon as the reply arrived, the
//    sustained messages per second.
// Embedded realtime and soketi, same run. Run: npx tsx bench/roundtrip.ts [seconds=15] [conversations=200]
import PusherJs from 'pusher-js';
import { startParley } from '../test/helpers/parley-server.ts';
import { parleyEnvFor, startSoketi } from '../test/helpers/soketi.ts';
import { authorize, openSession, send } from '../test/helpers/visitor-api.ts';
import type { ChatMessage, SessionResponse } from '../common/wire.ts';
import { percentile } from './stats.ts';
import { demoBotsDir } from '../test/helpers/demo-bot.ts';
import { sendOriginTo } from '../test/encryption/pusher-js-subscriber.ts';

const SECONDS = Number(process.argv[2] ?? 15);
const CONVERSATIONS = Number(process.argv[3] ?? 200);
const QUESTIONS = ['What are your opening hours?', 'How much does it cost?', 'How can I contact you?', 'thanks!', 'hello'];


interface Visitor {
  session: SessionResponse;
  client: PusherJs;
  /** Highest bot message id seen: a reply may arrive before the 202 that announced its question. */
  lastBotId: number;
  waiting?: { after: number; resolve: () => void };
}

async function connect(url: string, session: SessionResponse): Promise<Visitor> {
  const rt = session.realtime;
  // As the chat frame does: its pusher-js connects from Parley's own origin.
  sendOriginTo(rt.wsHost, rt.wsPort, new URL(url).origin);
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
  const visitor: Visitor = { session, client, lastBotId: 0 };
  const channel = client.subscribe(session.channel);
  channel.bind('message', (message: ChatMessage) => {
    if (message.sender === 'bot') visitor.lastBotId = Math.max(visitor.lastBotId, message.id);
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

const PACE_MS = 2000;
let sequence = 0;

/** One visitor turn: send, then wait for a bot reply newer than the question. Null when refused. */
async function turn(url: string, v: Visitor, n: number): Promise<{ total: number; post: number } | 'refused' | 'lost'> {
  const started = performance.now();
  const seq = sequence++;
  const res = await send(url, v.session.token, `b${n}-${seq}`, QUESTIONS[seq % QUESTIONS.length]!);
  const post = performance.now() - started;
  if (res.status !== 202) return 'refused';
  const after = res.body.message.id as number;
  if (v.lastBotId <= after) {
    const arrived = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      v.waiting = { after, resolve: () => (clearTimeout(timer), resolve(true)) };
    });
    v.waiting = undefined;
    if (!arrived) return 'lost';
  }
  return { total: performance.now() - started, post };
}

async function phase(url: string, visitors: Visitor[], mode: 'paced' | 'saturated') {
  const latencies: number[] = [];
  const posts: number[] = [];
  let refused = 0;
  let lost = 0;
  let measuring = false;
  const warmUp = setTimeout(() => (measuring = true), 2000);
  const stopAt = Date.now() + 2000 + SECONDS * 1000;
  await Promise.all(
    visitors.map(async (v, n) => {
      // Paced conversations start spread over the first interval, like visitors arriving.
      if (mode === 'paced') await new Promise((r) => setTimeout(r, Math.random() * PACE_MS));
      while (Date.now() < stopAt) {
        const began = Date.now();
        const outcome = await turn(url, v, n);
        if (outcome === 'refused') refused++;
        else if (outcome === 'lost') lost++;
        else if (measuring) {
          latencies.push(outcome.total);
          posts.push(outcome.post);
        }
        if (mode === 'paced') await new Promise((r) => setTimeout(r, Math.max(0, PACE_MS - (Date.now() - began))));
      }
    }),
  );
  clearTimeout(warmUp);
  return {
    replies: latencies.length,
    perSecond: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    postP50: percentile(posts, 50),
    postP99: percentile(posts, 99),
    refused,
    lost,
  };
}

async function run(label: string, env: Record<string, string>) {
  const parley = await startParley({ ...env, BOTS_DIR: demoBotsDir((demo) => (demo.policy = { ...demo.policy, messagesPerMinute: 600 })), RATE_SESSIONS_PER_IP: '1000000', RATE_AUTH_PER_IP: '1000000', REALTIME_MAX_CONNECTIONS_PER_IP: String(CONVERSATIONS), LOG_LEVEL: 'error' });
  const visitors: Visitor[] = [];
  try {
    for (let i = 0; i < CONVERSATIONS; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, CONVERSATIONS - i) }, () => openSession(parley.url)));
      visitors.push(...(await Promise.all(batch.map((s) => connect(parley.url, s)))));
    }
    const paced = await phase(parley.url, visitors, 'paced');
    const saturated = await phase(parley.url, visitors, 'saturated');
    const result = { label, paced, saturated };
    console.log(
      `${label.padEnd(9)} paced: ${paced.replies} replies (${paced.perSecond.toFixed(0)} msg/s), ` +
        `round trip p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms ` +
        `(of which POST→202 p50 ${paced.postP50.toFixed(1)}, p99 ${paced.postP99.toFixed(1)} ms), lost ${paced.lost}, refused ${paced.refused}`,
    );
    console.log(
      `${label.padEnd(9)} saturated: ${saturated.perSecond.toFixed(0)} msg/s sustained, ` +
        `round trip p50 ${saturated.p50.toFixed(1)} ms, p99 ${saturated.p99.toFixed(1)} ms, lost ${saturated.lost}, refused ${saturated.refused}`,
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
  `ratio embedded/soketi: saturated throughput ${(embedded.saturated.perSecond / viaSoketi.saturated.perSecond).toFixed(2)}x, ` +
    `paced p99 ${(embedded.paced.p99 / viaSoketi.paced.p99).toFixed(2)}x (lower is better)`,
);
console.log(
  `target p99 < 20 ms with embedded realtime, ${CONVERSATIONS} conversations at one message per ${PACE_MS / 1000} s each: ` +
    `${embedded.paced.p99 < 20 ? 'met' : 'NOT met'} (${embedded.paced.p99.toFixed(1)} ms)`,
);
process.exit(0);
