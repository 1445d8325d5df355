// What bench/load.ts and bench/soak.ts share: Parley started as `npm start` starts it (the built
// server, SQLite, embedded realtime) with the per-address limits raised for one loopback address
// full of visitors, the load generators (load-generator.ts) as child processes, and the server's
// own figures sampled while they run: resident memory, open fds, CPU, event-loop delay.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildState } from '../scripts/build-state.mjs';
import { demoBotsDir } from '../test/helpers/demo-bot.ts';
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import type { LoadPlan, LoadTick, ParentCommand, TurnCounts } from './load-generator.ts';
import { processCpuMs } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const METRICS_TOKEN = 'load-bench-metrics-token';
const SAMPLE_TIMEOUT_MS = 3000;

/**
 * Every visitor of a bench comes from 127.0.0.1, where the defaults would rightly stop one address
 * opening thousands of conversations and sockets; a deployment's visitors come from thousands of
 * addresses. These raise the caps for this one address; none is disabled.
 */
export function loadEnv(visitors: number): Record<string, string> {
  return {
    // Limits per address: conversations per 10 minutes, channel auths per minute, sockets at once.
    RATE_SESSIONS_PER_IP: '1000000',
    RATE_AUTH_PER_IP: '1000000',
    REALTIME_MAX_CONNECTIONS_PER_IP: String(visitors),
    // Limits in all: the defaults (10,000 sockets, 11,000 TCP connections) with room for the HTTP
    // connections beside the sockets.
    REALTIME_MAX_CONNECTIONS: String(Math.max(10_000, visitors + 500)),
    HTTP_MAX_CONNECTIONS: String(Math.max(11_000, visitors + 1_000)),
    // The demo bot allows 15 messages a minute per conversation: a visitor sending at exactly that
    // pace would be refused now and then by jitter alone.
    BOTS_DIR: demoBotsDir((demo) => (demo.policy = { ...demo.policy, messagesPerMinute: 60 })),
    METRICS_TOKEN,
    LOG_LEVEL: 'error',
  };
}

/** The built server, as `npm start` runs it (scripts/launch.mjs builds first if dist/ is stale). */
export async function startLoadServer(visitors: number): Promise<ParleyProcess> {
  // Built here, not by launch.mjs on start: a build is longer than the wait for the server to listen.
  if (['stale', 'missing'].includes(buildState(ROOT)) && spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 2, 2] }).status !== 0) {
    throw new Error('npm run build failed');
  }
  const parley = await startParley(loadEnv(visitors), { command: [process.execPath, 'scripts/launch.mjs', 'main'], cwd: ROOT });
  // A bench that dies does not leave a server behind holding thousands of sockets.
  process.once('exit', () => parley.proc.kill('SIGKILL'));
  return parley;
}

export interface ServerSample {
  rssMb: number;
  /** V8's heap in use (live objects and garbage not yet collected): RSS minus this is native memory, code and free heap. */
  heapUsedMb: number;
  fds: number;
  /** CPU used since the previous sample, in % of one core. */
  cpuPercent: number;
  /** Event-loop delay since the previous sample (prom-client resets it on each scrape). */
  lagP99Ms: number;
  lagMaxMs: number;
  load1: number;
}

/** Samples one server process; each call covers the time since the one before. */
export function serverSampler(parley: ParleyProcess): () => Promise<ServerSample> {
  const pid = parley.proc.pid!;
  let cpu = processCpuMs(pid);
  let at = performance.now();
  return async () => {
    // A server too busy to answer within the sample's time shows as no figure, not a stalled bench.
    const metrics = await fetch(new URL('/metrics', parley.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS) })
      .then((res) => res.text())
      .catch(() => '');
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
    const [cpuNow, now] = [processCpuMs(pid), performance.now()];
    const cpuPercent = ((cpuNow - cpu) / (now - at)) * 100;
    [cpu, at] = [cpuNow, now];
    return {
      rssMb: Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024,
      heapUsedMb: gauge('nodejs_heap_size_used_bytes') / 1048576,
      fds: readdirSync(`/proc/${pid}/fd`).length,
      cpuPercent,
      lagP99Ms: gauge('nodejs_eventloop_lag_p99_seconds') * 1000,
      lagMaxMs: gauge('nodejs_eventloop_lag_max_seconds') * 1000,
      load1: loadavg()[0]!,
    };
  };
}

export const formatSample = (s: ServerSample) =>
  `server RSS ${s.rssMb.toFixed(0)} MB (heap used ${s.heapUsedMb.toFixed(0)}), fds ${s.fds}, CPU ${s.cpuPercent.toFixed(0)} %, loop delay p99 ${s.lagP99Ms.toFixed(1)} ms max ${s.lagMaxMs.toFixed(1)} ms | load ${s.load1.toFixed(2)}`;

/** What the generators reported, summed since the caller last took it. */
export interface Tally extends TurnCounts {
  connected: number;
  /** Worst generator's event-loop delay p99 over the period (ms). */
  generatorLagMs: number;
}

const emptyTally = (): Tally => ({ connected: 0, latencies: [], posts: [], answered: 0, errors: 0, errorSamples: [], lost: 0, generatorLagMs: 0 });

export interface Generators {
  /** Connected visitors now, over all generators. */
  connected(): number;
  /** Takes what arrived since the last take. */
  take(): Tally;
  /** From now on, turns are timed. */
  measure(): void;
  /** Ends the visitors' loops and waits for each generator's last report. */
  stop(): Promise<void>;
}

/** Forks `count` generators sharing `visitors` and the ramp rate evenly. */
export function startGenerators(url: string, plan: Omit<LoadPlan, 'url' | 'name' | 'visitors' | 'rampPerSecond'> & { visitors: number; rampPerSecond: number }, count: number): Generators {
  const children: ChildProcess[] = [];
  const connected = new Array<number>(count).fill(0);
  const done: Promise<void>[] = [];
  let tally = emptyTally();
  for (let i = 0; i < count; i++) {
    const share: LoadPlan = {
      ...plan,
      url,
      name: `g${i}`,
      visitors: Math.floor(plan.visitors / count) + (i < plan.visitors % count ? 1 : 0),
      rampPerSecond: plan.rampPerSecond / count,
    };
    const child = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LOAD_PLAN: JSON.stringify(share) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: LoadTick | { type: 'done' }) => {
      if (m.type !== 'tick') return;
      connected[i] = m.connected;
      tally.latencies.push(...m.latencies);
      tally.posts.push(...m.posts);
      tally.answered += m.answered;
      tally.errors += m.errors;
      tally.errorSamples.push(...m.errorSamples.slice(0, Math.max(0, 5 - tally.errorSamples.length)));
      tally.lost += m.lost;
      tally.generatorLagMs = Math.max(tally.generatorLagMs, m.lagP99Ms);
    });
    const exited = new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generator ${i} exited with ${code}`)))));
    exited.catch(() => {}); // reported by stop(); a generator dying early must not end the bench before it prints
    done.push(exited);
    children.push(child);
  }
  // A generator may exit between the check and the write: the callback takes the EPIPE, which would
  // otherwise be an unhandled 'error' event that ended a finished run with a stack.
  const tell = (command: ParentCommand) => children.forEach((c) => c.connected && c.send(command, () => {}));
  return {
    connected: () => connected.reduce((a, b) => a + b, 0),
    take() {
      const taken = { ...tally, connected: connected.reduce((a, b) => a + b, 0) };
      tally = emptyTally();
      return taken;
    },
    measure: () => tell('measure'),
    async stop() {
      tell('stop');
      await Promise.all(done);
    },
  };
}
