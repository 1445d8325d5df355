// Visitor → bot-reply round trip through the whole server: HTTP POST, store, bot engine,
// encrypted publish, pusher-js decrypt. 200 concurrent conversations in two phases:
//  - paced: every conversation sends a message every ~2 s (a brisk human), round-trip p50/p99;
//  - saturated: every conversation sends its next message as soon as the reply arrived, the
//    sustained messages per second.
// One process with embedded realtime, one process with soketi (both on SQLite), then the tested
// deployment (docs/design.md): nginx in front of one, then two Parley processes, with soketi,
// FerretDB and Redis — same run, same load. Each phase also prints the Parley processes' CPU time
// per answered message (from /proc): the figure a busy machine disturbs least.
// With a baseline checkout (another worktree with node_modules, such as the code before a change),
// its embedded setup runs too, in the order this, that, that, this (twice each unless told), and
// the change's cost is printed from the means: how encryption at rest is measured (target: at most
// 10 % of saturated throughput, 1 ms of p99).
// Run: npx tsx bench/roundtrip.ts [seconds=15] [conversations=200] [conversations behind nginx=20] [baseline checkout] [runs of each side=2]
import { rmSync } from 'node:fs';
import type { Agent } from 'node:http';
import type PusherJs from 'pusher-js';
import { FROM_SOURCES, startParley } from '../test/helpers/parley-server.ts';
import { startTopology } from '../test/helpers/scale-out-topology.ts';
import { parleyEnvFor, startSoketi } from '../test/helpers/soketi.ts';
import { openSession } from '../test/helpers/visitor-api.ts';
import type { ChatMessage, SessionResponse } from '../common/wire.ts';
import { percentile, processCpuMs } from './stats.ts';
import { demoBotsDir } from '../test/helpers/demo-bot.ts';
import { closeClient, subscribeVisitor } from './light-visitor.ts';
import { QUESTIONS, newReplyWatch, noteMessage, ownConnection, turn, type ReplyWatch } from './visitor-turn.ts';

const SECONDS = Number(process.argv[2] ?? 15);
const CONVERSATIONS = Number(process.argv[3] ?? 200);
/**
 * Behind nginx the store is FerretDB on SQLite files, which takes both cores at about ten turns a
 * second here: at 200 conversations every reply would outwait the 10 s a visitor waits. Fewer
 * conversations show what the deployment carries, and whether a second instance adds to it.
 */
const TOPOLOGY_CONVERSATIONS = Number(process.argv[4] ?? 20);
const BASELINE = process.argv[5];
/** Runs of each side against the baseline. */
const PAIRS = Math.max(1, Number(process.argv[6] ?? 2));


interface Visitor extends ReplyWatch {
  session: SessionResponse;
  client: PusherJs;
  /** Its HTTP connection, as its browser would keep it (visitor-turn.ts). */
  connection: Agent;
}

async function connect(url: string, session: SessionResponse): Promise<Visitor> {
  const visitor: Omit<Visitor, 'client'> = { session, connection: ownConnection(), ...newReplyWatch() };
  const client = await subscribeVisitor(url, session, (message: ChatMessage) => noteMessage(visitor, message));
  // The same object the handler updates, now with its client.
  return Object.assign(visitor, { client });
}

const PACE_MS = 2000;
const LABEL_WIDTH = 26;
let sequence = 0;

async function phase(deployment: Deployment, visitors: Visitor[], mode: 'paced' | 'saturated') {
  const { url } = deployment;
  const serverCpu = () => deployment.pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const cpuBefore = serverCpu();
  let answered = 0;
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
        const seq = sequence++;
        const outcome = await turn(url, v.session.token, v, `b${n}-${seq}`, QUESTIONS[seq % QUESTIONS.length]!, v.connection);
        if (outcome === 'lost') lost++;
        else if ('refused' in outcome) refused++;
        else {
          answered++;
          if (measuring) {
            latencies.push(outcome.total);
            posts.push(outcome.post);
          }
        }
        if (mode === 'paced') await new Promise((r) => setTimeout(r, Math.max(0, PACE_MS - (Date.now() - began))));
      }
    }),
  );
  clearTimeout(warmUp);
  return {
    // Every Parley process's CPU over the whole phase, per answered message: what a turn costs.
    cpuPerReply: (serverCpu() - cpuBefore) / Math.max(1, answered),
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

/** What every setup runs with: the demo bot allowing brisk conversations, per-IP limits out of the way. */
const LOAD_ENV = {
  BOTS_DIR: demoBotsDir((demo) => (demo.policy = { ...demo.policy, messagesPerMinute: 600 })),
  RATE_SESSIONS_PER_IP: '1000000',
  RATE_AUTH_PER_IP: '1000000',
  REALTIME_MAX_CONNECTIONS_PER_IP: String(CONVERSATIONS),
  LOG_LEVEL: 'error',
};

interface Deployment {
  /** Where visitors go (the process itself, or the proxy in front of the instances). */
  url: string;
  /** The Parley processes, whose CPU time is counted. */
  pids: number[];
  stop(): Promise<void>;
}

async function oneProcess(env: Record<string, string>, root?: string): Promise<Deployment> {
  const parley = await startParley({ ...env, ...LOAD_ENV }, root === undefined ? FROM_SOURCES : { ...FROM_SOURCES, cwd: root });
  return {
    url: parley.url,
    pids: [parley.proc.pid!],
    async stop() {
      await parley.stop();
      // A run writes ~25 KB per reply (600 MB in all): removed now, its dirty pages are dropped
      // instead of being written back while the next run is measured.
      rmSync(parley.dataDir, { recursive: true, force: true });
    },
  };
}

async function behindNginx(instances: number): Promise<Deployment> {
  const topology = await startTopology({ instances, env: LOAD_ENV });
  return { url: topology.origin, pids: topology.instances.map((i) => i.proc.pid!), stop: () => topology.stop() };
}

async function run(label: string, deploy: () => Promise<Deployment>, conversations = CONVERSATIONS) {
  const parley = await deploy();
  const visitors: Visitor[] = [];
  try {
    for (let i = 0; i < conversations; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, conversations - i) }, () => openSession(parley.url)));
      visitors.push(...(await Promise.all(batch.map((s) => connect(parley.url, s)))));
    }
    const paced = await phase(parley, visitors, 'paced');
    const saturated = await phase(parley, visitors, 'saturated');
    const result = { label, paced, saturated };
    console.log(
      `${label.padEnd(LABEL_WIDTH)} paced: ${paced.replies} replies (${paced.perSecond.toFixed(0)} msg/s), ` +
        `round trip p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms ` +
        `(of which POST→202 p50 ${paced.postP50.toFixed(1)}, p99 ${paced.postP99.toFixed(1)} ms), lost ${paced.lost}, refused ${paced.refused}, server CPU ${paced.cpuPerReply.toFixed(2)} ms/reply`,
    );
    console.log(
      `${label.padEnd(LABEL_WIDTH)} saturated: ${saturated.perSecond.toFixed(0)} msg/s sustained, ` +
        `round trip p50 ${saturated.p50.toFixed(1)} ms, p99 ${saturated.p99.toFixed(1)} ms, lost ${saturated.lost}, refused ${saturated.refused}, server CPU ${saturated.cpuPerReply.toFixed(2)} ms/reply`,
    );
    return result;
  } finally {
    for (const v of visitors) {
      closeClient(v.client);
      v.connection.destroy();
    }
    await parley.stop();
  }
}

const app = { appId: '424242', key: 'benchkey', secret: 'bench-secret-0123456789abcdef' };
const appEnv = { PUSHER_APP_ID: app.appId, PUSHER_KEY: app.key, PUSHER_SECRET: app.secret };
const embedded = await run('embedded', () => oneProcess(appEnv));
if (BASELINE) {
  // Each side PAIRS times, in the order ours, theirs, theirs, ours, …, so a drift over the run
  // weighs on both alike; one run alone is at the mercy of whatever else the machine was doing (the
  // same code swings by ±7 % from run to run here). The spread of each side is printed with its mean.
  const ours = [embedded];
  const theirs: Array<typeof embedded> = [];
  for (let n = 1; n < 2 * PAIRS; n++) {
    const baselineTurn = n % 4 === 1 || n % 4 === 2;
    if (baselineTurn) theirs.push(await run(`embedded, baseline ${theirs.length + 1}`, () => oneProcess(appEnv, BASELINE)));
    else ours.push(await run(`embedded, again ${ours.length + 1}`, () => oneProcess(appEnv)));
  }
  const mean = (side: Array<typeof embedded>, pick: (r: typeof embedded) => number) => side.reduce((sum, r) => sum + pick(r), 0) / side.length;
  const range = (side: Array<typeof embedded>, pick: (r: typeof embedded) => number) => {
    const figures = side.map(pick);
    return `${Math.min(...figures).toFixed(0)}–${Math.max(...figures).toFixed(0)}`;
  };
  const perSecond = (r: typeof embedded) => r.saturated.perSecond;
  const throughput = (1 - mean(ours, perSecond) / mean(theirs, perSecond)) * 100;
  const p99 = mean(ours, (r) => r.paced.p99) - mean(theirs, (r) => r.paced.p99);
  const cpu = mean(ours, (r) => r.saturated.cpuPerReply) - mean(theirs, (r) => r.saturated.cpuPerReply);
  const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(digits)}`;
  console.log(
    `cost against the baseline (${BASELINE}), means of ${PAIRS} runs each: saturated throughput ${signed(-throughput, 1)} % ` +
      `(${range(ours, perSecond)} against ${range(theirs, perSecond)} msg/s), paced p99 ${signed(p99, 1)} ms, server CPU ${signed(cpu, 3)} ms/reply (saturated)`,
  );
}
const soketi = await startSoketi(app);
let viaSoketi;
try {
  viaSoketi = await run('soketi', () => oneProcess(parleyEnvFor(app, soketi)));
} finally {
  await soketi.stop();
}
const oneBehindNginx = await run(`nginx, 1 instance, ${TOPOLOGY_CONVERSATIONS}c`, () => behindNginx(1), TOPOLOGY_CONVERSATIONS);
const twoBehindNginx = await run(`nginx, 2 instances, ${TOPOLOGY_CONVERSATIONS}c`, () => behindNginx(2), TOPOLOGY_CONVERSATIONS);
console.log(
  `ratio embedded/soketi: saturated throughput ${(embedded.saturated.perSecond / viaSoketi.saturated.perSecond).toFixed(2)}x, ` +
    `paced p99 ${(embedded.paced.p99 / viaSoketi.paced.p99).toFixed(2)}x (lower is better)`,
);
console.log(
  `ratio 2 instances/1 behind nginx: saturated throughput ${(twoBehindNginx.saturated.perSecond / oneBehindNginx.saturated.perSecond).toFixed(2)}x, ` +
    `paced p99 ${(twoBehindNginx.paced.p99 / oneBehindNginx.paced.p99).toFixed(2)}x (lower is better)`,
);
console.log(
  `target p99 < 20 ms with embedded realtime, ${CONVERSATIONS} conversations at one message per ${PACE_MS / 1000} s each: ` +
    `${embedded.paced.p99 < 20 ? 'met' : 'NOT met'} (${embedded.paced.p99.toFixed(1)} ms)`,
);
process.exit(0);
