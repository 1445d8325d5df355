// Realtime benchmark: the embedded Pusher-protocol server against soketi, same run, same load.
// For each server: connect+subscribe rate of 5,000 private-channel clients (raw ws doing the real
// protocol, auth signed as Parley's auth endpoint would) after 1,000 held to warm it up, resident
// memory per idle connection (RSS delta of the server's own process over those 5,000), and
// publish→deliver throughput and p50/p99 latency through the HTTP API (1,000 subscribers, one private channel each, 64 concurrent pusher-SDK publishers).
// For the embedded server also the in-process publish(), plain and on private-encrypted- channels
// (sealed per message with the same construction as the pusher SDK). Prints figures and exits.
// Run: npx tsx bench/realtime.ts
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Pusher from 'pusher';
import WebSocket from 'ws';
import { startSoketi } from '../test/helpers/soketi.ts';
import type { PublishCommand } from './realtime-embedded-child.ts';
import { percentile, processCpuMs } from './stats.ts';

const CLIENTS = 5000;
/**
 * Held before the baseline of the memory figure: a process's first thousand sockets also grow its
 * heap's young generation and allocator pools to a serving size once (several MB for a Node
 * server), which divided by the sockets that follow would be counted against each of them.
 */
const WARM_CLIENTS = 1000;
const SUBSCRIBERS = 1000;
const PUBLISHERS = 64;
const HTTP_MESSAGES = 20_000;
const IN_PROCESS_MESSAGES = 50_000;
const CONNECT_CONCURRENCY = 200;
const PAYLOAD = { text: 'A typical chat reply of about one hundred and sixty characters, sent by the bot to a visitor who asked a question.', n: 1 };
const app = { appId: 'bench', key: 'bench-key', secret: 'bench-secret-for-the-realtime-benchmark' };
/** Every client connects from 127.0.0.1: the embedded server's per-address cap must admit them all. */
const LIMITS = { maxConnections: CLIENTS + WARM_CLIENTS, maxConnectionsPerIp: CLIENTS + WARM_CLIENTS };
const MASTER_KEY = Buffer.alloc(32, 3).toString('base64');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** Runs the in-process publish loop in the server process; returns each message's send time. */
  publishInProcess?(cmd: Omit<PublishCommand, 'type'>): Promise<number[]>;
}

const loadAverage = () => loadavg().map((n) => n.toFixed(2)).join(' ');

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

async function startEmbedded(): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./realtime-embedded-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_APP: JSON.stringify(app), BENCH_LIMITS: JSON.stringify(LIMITS), BENCH_MASTER_KEY: MASTER_KEY },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded child exited with ${code}`)));
    child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port ?? 0));
  });
  return {
    port,
    pid: child.pid ?? 0,
    publishInProcess: (cmd) =>
      new Promise((resolve) => {
        const onMessage = (m: { type: string; sent?: number[] }) => {
          if (m.type !== 'published') return;
          child.off('message', onMessage);
          resolve(m.sent ?? []);
        };
        child.on('message', onMessage);
        child.send({ type: 'publish', ...cmd });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

/** Deliveries of benchmark events (`m-<index>`), recorded by every subscriber. */
const delivery = { received: new Float64Array(0), count: 0 };

function onFrame(data: WebSocket.RawData): void {
  const text = String(data);
  // Event names are `m-<index>`; reading them needs no decryption, like a relay's view.
  const at = text.indexOf('"event":"m-');
  if (at === -1) return;
  const index = Number.parseInt(text.slice(at + 11), 10);
  if (delivery.received[index] === 0) {
    delivery.received[index] = now();
    delivery.count++;
  }
}

function connectAndSubscribe(port: number, channels: string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${app.key}?protocol=7&client=bench&version=1`);
    let pending = channels.length;
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = String(data);
      if (text.includes('pusher:connection_established')) {
        const socketId = (JSON.parse(JSON.parse(text).data) as { socket_id: string }).socket_id;
        for (const channel of channels) {
          const auth = `${app.key}:${createHmac('sha256', app.secret).update(`${socketId}:${channel}`).digest('hex')}`;
          ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel, auth } }));
        }
      } else if (text.includes('pusher_internal:subscription_succeeded')) {
        if (--pending === 0) {
          ws.removeAllListeners('message');
          ws.on('message', onFrame);
          resolve(ws);
        }
      } else if (text.includes('subscription_error') || text.includes('pusher:error')) {
        reject(new Error(`subscribe failed: ${text}`));
      }
    });
  });
}

async function connectMany(port: number, count: number, prefix: string): Promise<{ sockets: WebSocket[]; perSecond: number }> {
  const sockets: WebSocket[] = new Array(count);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        sockets[i] = await connectAndSubscribe(port, [`private-${prefix}-${i}`, `private-encrypted-${prefix}-${i}`]);
      }
    }),
  );
  return { sockets, perSecond: count / ((performance.now() - start) / 1000) };
}

interface Flow {
  perSecond: number;
  p50: number;
  p99: number;
  lost: number;
}

async function measureFlow(count: number, publish: () => Promise<number[]>): Promise<Flow> {
  delivery.received = new Float64Array(count);
  delivery.count = 0;
  const sent = await publish();
  const deadline = Date.now() + 60_000;
  while (delivery.count < count && Date.now() < deadline) await sleep(20);
  const latencies: number[] = [];
  let last = 0;
  for (let i = 0; i < count; i++) {
    const at = delivery.received[i] ?? 0;
    if (at > 0) {
      latencies.push(at - (sent[i] ?? at));
      last = Math.max(last, at);
    }
  }
  const first = Math.min(...sent.slice(0, 1000));
  return {
    perSecond: latencies.length / ((last - first) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lost: count - latencies.length,
  };
}

/** Publishing through the pusher SDK; `encrypted` has the SDK seal every event, as Parley does. */
function httpFlow(port: number, encrypted = false): Promise<Flow> {
  const agent = new Agent({ keepAlive: true, maxSockets: PUBLISHERS });
  const sdk = new Pusher({
    ...app,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
    agent,
    ...(encrypted ? { encryptionMasterKeyBase64: MASTER_KEY } : {}),
  });
  const prefix = encrypted ? 'private-encrypted-bench-' : 'private-bench-';
  return measureFlow(HTTP_MESSAGES, async () => {
    const sent = new Array<number>(HTTP_MESSAGES);
    let next = 0;
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        for (let i = next++; i < HTTP_MESSAGES; i = next++) {
          sent[i] = now();
          await sdk.trigger(`${prefix}${i % SUBSCRIBERS}`, `m-${i}`, PAYLOAD);
        }
      }),
    ).finally(() => agent.destroy());
    return sent;
  });
}

interface Figures {
  connectPerSecond: number;
  /** Server CPU ms per connect+subscribe: what a busy machine disturbs least. */
  cpuPerConnect: number;
  kbPerIdleConnection: number;
  http: Flow;
  httpEncrypted: Flow;
  inProcess?: Flow;
  inProcessEncrypted?: Flow;
}

async function run(name: string, server: Server): Promise<Figures> {
  console.log(`${name}: server pid ${server.pid} on port ${server.port}, load average ${loadAverage()}`);
  await sleep(500);
  const started = rssKb(server.pid);
  const warm = await connectMany(server.port, WARM_CLIENTS, 'warm');
  await sleep(2000);
  const baseline = rssKb(server.pid);
  console.log(`  ${WARM_CLIENTS} warm-up clients held: RSS ${started} KB → ${baseline} KB (${((baseline - started) / WARM_CLIENTS).toFixed(2)} KB each, the heap's growth to serving size included)`);
  const cpuBefore = processCpuMs(server.pid);
  const { sockets, perSecond } = await connectMany(server.port, CLIENTS, 'bench');
  const cpuPerConnect = (processCpuMs(server.pid) - cpuBefore) / CLIENTS;
  console.log(`  ${CLIENTS} clients more connected and subscribed (2 private channels each) at ${perSecond.toFixed(0)}/s, server CPU ${cpuPerConnect.toFixed(3)} ms each`);
  await sleep(2000);
  const kbPerIdleConnection = (rssKb(server.pid) - baseline) / CLIENTS;
  console.log(`  RSS ${baseline} KB → ${rssKb(server.pid)} KB: ${kbPerIdleConnection.toFixed(2)} KB per idle connection; load average ${loadAverage()}`);
  for (const ws of [...warm.sockets, ...sockets.splice(SUBSCRIBERS)]) ws.close();
  await sleep(1000);

  const http = await httpFlow(server.port);
  console.log(`  HTTP API: ${fmt(http)}`);
  const httpEncrypted = await httpFlow(server.port, true);
  console.log(`  HTTP API, private-encrypted- (SDK seals): ${fmt(httpEncrypted)}`);
  const figures: Figures = { connectPerSecond: perSecond, cpuPerConnect, kbPerIdleConnection, http, httpEncrypted };
  if (server.publishInProcess) {
    const inProcess = (encrypted: boolean) =>
      measureFlow(IN_PROCESS_MESSAGES, () =>
        server.publishInProcess!({
          count: IN_PROCESS_MESSAGES,
          channelPrefix: encrypted ? 'private-encrypted-bench-' : 'private-bench-',
          channels: SUBSCRIBERS,
          perTurn: PUBLISHERS,
          encrypted,
          payload: PAYLOAD,
        }),
      );
    figures.inProcess = await inProcess(false);
    console.log(`  in-process publish: ${fmt(figures.inProcess)}`);
    figures.inProcessEncrypted = await inProcess(true);
    console.log(`  in-process publish, private-encrypted- (sealed per message): ${fmt(figures.inProcessEncrypted)}`);
  }
  for (const ws of sockets) ws.terminate();
  await server.stop();
  return figures;
}

function fmt(f: Flow): string {
  return `${f.perSecond.toFixed(0)} msg/s delivered, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms, lost ${f.lost}`;
}

console.log(`realtime benchmark: ${CLIENTS} clients, ${SUBSCRIBERS} subscribers, ${PUBLISHERS} publishers, node ${process.version}`);
const embedded = await run('embedded', await startEmbedded());
const soketi = await run('soketi', await startSoketi(app));

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const row = (label: string, e: string, s: string, r: string) => console.log(`${label.padEnd(44)}${e.padStart(12)}${s.padStart(12)}${r.padStart(10)}`);
console.log('');
row('', 'embedded', 'soketi', 'ratio');
row('connect+subscribe (clients/s)', embedded.connectPerSecond.toFixed(0), soketi.connectPerSecond.toFixed(0), ratio(embedded.connectPerSecond, soketi.connectPerSecond));
row('server CPU per connect+subscribe (ms)', embedded.cpuPerConnect.toFixed(3), soketi.cpuPerConnect.toFixed(3), ratio(embedded.cpuPerConnect, soketi.cpuPerConnect));
row('memory per idle connection (KB)', embedded.kbPerIdleConnection.toFixed(2), soketi.kbPerIdleConnection.toFixed(2), ratio(embedded.kbPerIdleConnection, soketi.kbPerIdleConnection));
row('HTTP publish→deliver (msg/s)', embedded.http.perSecond.toFixed(0), soketi.http.perSecond.toFixed(0), ratio(embedded.http.perSecond, soketi.http.perSecond));
row('HTTP p50 latency (ms)', embedded.http.p50.toFixed(2), soketi.http.p50.toFixed(2), ratio(embedded.http.p50, soketi.http.p50));
row('HTTP p99 latency (ms)', embedded.http.p99.toFixed(2), soketi.http.p99.toFixed(2), ratio(embedded.http.p99, soketi.http.p99));
row('HTTP encrypted publish→deliver (msg/s)', embedded.httpEncrypted.perSecond.toFixed(0), soketi.httpEncrypted.perSecond.toFixed(0), ratio(embedded.httpEncrypted.perSecond, soketi.httpEncrypted.perSecond));
row('HTTP encrypted p50 / p99 latency (ms)', `${embedded.httpEncrypted.p50.toFixed(2)}/${embedded.httpEncrypted.p99.toFixed(2)}`, `${soketi.httpEncrypted.p50.toFixed(2)}/${soketi.httpEncrypted.p99.toFixed(2)}`, '');
for (const [label, flow] of [['in-process', embedded.inProcess], ['in-process encrypted', embedded.inProcessEncrypted]] as const) {
  if (!flow) continue;
  row(`${label} (msg/s) vs soketi HTTP`, flow.perSecond.toFixed(0), soketi.http.perSecond.toFixed(0), ratio(flow.perSecond, soketi.http.perSecond));
  row(`${label} p50 / p99 latency (ms)`, `${flow.p50.toFixed(2)}/${flow.p99.toFixed(2)}`, '', '');
}
console.log('\ntargets: HTTP ≥ soketi (ratio ≥ 1), in-process ≥ 3× soketi HTTP, connect+subscribe ≥ soketi (issue 17), memory per idle connection ≤ 1.2× soketi (issue 17)');
console.log(`load average at the end ${loadAverage()} (2 cores; figures taken on a busy machine disagree run to run)`);
process.exit(0);
