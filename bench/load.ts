// Issue 17's load rows, each on a fresh Parley process as `npm start` runs it (built server,
// SQLite, embedded realtime), its visitors raw-socket clients (raw-visitor.ts) in child processes
// that still open a session over HTTP, subscribe through channel auth and open the sealed events:
//  - visitors: 10,000 concurrent visitors, each asking the bot something every 30 s
//    (target: 0 errors, p99 question → reply < 50 ms, server RSS < 1 GB);
//  - conversations: 1,000 conversations × 15 turns a minute for 60 s (0 errors, 0 lost, p99 < 100 ms).
// Visitors join at a bounded rate; timing starts once all are in. Every 5 s a line with the
// server's RSS, fds, CPU, event-loop delay and the load average (the machine is shared: read the
// figures beside it), then p50/p99 and the verdict.
// Run: npx tsx bench/load.ts [visitors|conversations|both=both] [seconds=60] [scale=1] [generators=2]
//   scale multiplies the visitor and conversation counts (0.1 for a quick try).
import { percentile } from './stats.ts';
import { formatSample, serverSampler, startGenerators, startLoadServer, type Tally } from './load-run.ts';

const WHICH = process.argv[2] ?? 'both';
const SECONDS = Number(process.argv[3] ?? 60);
const SCALE = Number(process.argv[4] ?? 1);
const GENERATORS = Number(process.argv[5] ?? 2);
const SAMPLE_MS = 5000;
/** Joining faster only measures the ramp: each join is a session, a socket and an auth. */
const RAMP_PER_SECOND = 200;

interface Scenario {
  name: string;
  visitors: number;
  paceMs: number;
  p99TargetMs: number;
  rssTargetMb?: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'visitors', visitors: Math.round(10_000 * SCALE), paceMs: 30_000, p99TargetMs: 50, rssTargetMb: 1024 },
  { name: 'conversations', visitors: Math.round(1_000 * SCALE), paceMs: 4_000, p99TargetMs: 100 },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(scenario: Scenario): Promise<boolean> {
  console.log(`\n${scenario.name}: ${scenario.visitors} visitors, one question each per ${scenario.paceMs / 1000} s, joining at ${RAMP_PER_SECOND}/s, then ${SECONDS} s timed`);
  const parley = await startLoadServer(scenario.visitors);
  const sample = serverSampler(parley);
  const generators = startGenerators(parley.url, { visitors: scenario.visitors, paceMs: scenario.paceMs, rampPerSecond: RAMP_PER_SECOND, turnsPerVisitor: 0, tickMs: 1000 }, GENERATORS);
  const all: Tally[] = [];
  let maxRssMb = 0;
  const started = Date.now();
  const line = async (phase: string) => {
    const s = await sample();
    const t = generators.take();
    all.push(t);
    maxRssMb = Math.max(maxRssMb, s.rssMb);
    const errors = t.errors ? `, errors ${t.errors} (${t.errorSamples.join('; ')})` : '';
    console.log(
      `  ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s ${phase.padEnd(7)} connected ${t.connected}, answered ${t.answered}, lost ${t.lost}${errors} | ${formatSample(s)} | generators' loop p99 ${t.generatorLagMs.toFixed(0)} ms`,
    );
  };
  try {
    // Ramp: until everyone is in (or a join rate far below the target's shows it never will be).
    const rampLimit = Date.now() + ((scenario.visitors / RAMP_PER_SECOND) * 3 + 30) * 1000;
    while (generators.connected() < scenario.visitors && Date.now() < rampLimit) {
      await sleep(SAMPLE_MS);
      await line('ramp');
    }
    all.push(generators.take()); // the ramp's turns are not timed (none were recorded), its errors and losses count
    generators.measure();
    const stopAt = Date.now() + SECONDS * 1000;
    const timed: Tally[] = [];
    while (Date.now() < stopAt) {
      await sleep(Math.min(SAMPLE_MS, stopAt - Date.now()));
      await line('timed');
      timed.push(all.at(-1)!);
    }
    await generators.stop();
    const tail = generators.take();
    all.push(tail);
    timed.push(tail);
    const latencies = timed.flatMap((t) => t.latencies);
    const posts = timed.flatMap((t) => t.posts);
    const errors = all.reduce((sum, t) => sum + t.errors, 0);
    const lost = all.reduce((sum, t) => sum + t.lost, 0);
    const p99 = percentile(latencies, 99);
    const met = errors === 0 && lost === 0 && p99 < scenario.p99TargetMs && (scenario.rssTargetMb === undefined || maxRssMb < scenario.rssTargetMb);
    console.log(
      `  ${scenario.name}: ${latencies.length} turns timed (${(latencies.length / SECONDS).toFixed(0)}/s), question → reply p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms (POST → 202 p50 ${percentile(posts, 50).toFixed(1)}, p99 ${percentile(posts, 99).toFixed(1)} ms); ` +
        `errors ${errors}, lost ${lost}, server RSS max ${maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  target: 0 errors, 0 lost, p99 < ${scenario.p99TargetMs} ms${scenario.rssTargetMb ? `, RSS < ${scenario.rssTargetMb} MB` : ''}: ${met ? 'met' : 'NOT met'}`,
    );
    return met;
  } finally {
    await generators.stop().catch(() => {});
    await parley.stop();
  }
}

const chosen = SCENARIOS.filter((s) => WHICH === 'both' || s.name === WHICH);
if (chosen.length === 0) throw new Error(`expected visitors, conversations or both, got ${WHICH}`);
for (const scenario of chosen) await run(scenario);
process.exit(0);
