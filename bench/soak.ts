// Issue 17's soak: Parley as `npm start` runs it (built server, SQLite, embedded realtime) under
// 200 questions a second for 10 minutes, from raw-socket visitors in child processes (see
// bench/load.ts) that also come and go: each leaves after a minute of questions and a new one
// (a new conversation, socket and channel auth) takes its place, so what a visitor leaves behind
// would pile up. Samples the server every 10 s, then compares the time after warm-up (the first
// fifth) with the end: target RSS growth < 5 %, no fd growth. Beside RSS, V8's heap in use (RSS
// growing with a flat heap is native memory or the allocator, not objects kept), and the fds once the
// visitors have gone (sockets that never close would stay).
// Run: npx tsx bench/soak.ts [--minutes 10] [--rate 200] [--generators 2]
import { parseArgs } from 'node:util';
import { formatSample, serverSampler, startGenerators, startLoadServer, type ServerSample } from './load-run.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '200' }, generators: { type: 'string', default: '2' } } });
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const PACE_MS = 4000;
const VISITORS = Math.round((RATE * PACE_MS) / 1000);
/** A minute of questions, then the visitor leaves and another comes. */
const TURNS_PER_VISITOR = 15;
const SAMPLE_MS = 10_000;
const WARM_UP_FRACTION = 0.2;
const RSS_GROWTH_TARGET = 0.05;
/** Longer than the server's keep-alive timeout (5 s): an HTTP connection left idle is closed by then. */
const FDS_SETTLE_MS = 15_000;

const median = (values: number[]) => percentile(values, 50);
/** Least-squares slope per minute of `values` sampled every SAMPLE_MS. */
function slopePerMinute(values: number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => ((num += (x - meanX) * (y - meanY)), (den += (x - meanX) ** 2)));
  return den === 0 ? 0 : (num / den) * (60_000 / SAMPLE_MS);
}

console.log(`soak: ${VISITORS} visitors, one question each per ${PACE_MS / 1000} s (${RATE}/s), each leaving after ${TURNS_PER_VISITOR} for a new one; ${MINUTES} min, samples every ${SAMPLE_MS / 1000} s`);
const parley = await startLoadServer(VISITORS);
const sample = serverSampler(parley);
const fdsIdle = (await sample()).fds;
const generators = startGenerators(parley.url, { visitors: VISITORS, paceMs: PACE_MS, rampPerSecond: 100, turnsPerVisitor: TURNS_PER_VISITOR, tickMs: 1000 }, Number(args.generators));
generators.measure();
const started = Date.now();
const samples: (ServerSample & { at: number })[] = [];
const latencies: number[] = [];
let [answered, errors, lost] = [0, 0, 0];
try {
  while (Date.now() - started < MINUTES * 60_000) {
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    const s = { ...(await sample()), at: Date.now() - started };
    const t = generators.take();
    samples.push(s);
    latencies.push(...t.latencies);
    [answered, errors, lost] = [answered + t.answered, errors + t.errors, lost + t.lost];
    const trouble = t.errors ? `, errors ${t.errors} (${t.errorSamples.join('; ')})` : '';
    console.log(
      `  ${(s.at / 60_000).toFixed(1).padStart(5)} min connected ${t.connected}, ${(t.answered / (SAMPLE_MS / 1000)).toFixed(0)} answers/s, p99 ${percentile(t.latencies, 99).toFixed(0)} ms, lost ${t.lost}${trouble} | ${formatSample(s)}`,
    );
  }
} finally {
  await generators.stop().catch((err: Error) => console.log(`  generators: ${err.message}`));
}
const fdsLeft = await fdsOnceIdle();
await parley.stop();

/** The server's fds once the visitors' sockets are closed: back to what it held before them, or what stays after FDS_SETTLE_MS. */
async function fdsOnceIdle(): Promise<number> {
  const until = Date.now() + FDS_SETTLE_MS;
  for (;;) {
    const { fds } = await sample();
    if (fds <= fdsIdle || Date.now() > until) return fds;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const settled = samples.filter((s) => s.at >= MINUTES * 60_000 * WARM_UP_FRACTION);
const first = settled.slice(0, 3);
const last = settled.slice(-3);
const rssFrom = median(first.map((s) => s.rssMb));
const rssTo = median(last.map((s) => s.rssMb));
const fdsFrom = median(first.map((s) => s.fds));
const fdsTo = median(last.map((s) => s.fds));
const growth = (rssTo - rssFrom) / rssFrom;
console.log(
  `\n${answered} answered (${(answered / (MINUTES * 60)).toFixed(0)}/s), p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, errors ${errors}, lost ${lost}`,
);
console.log(
  `after warm-up (${(MINUTES * WARM_UP_FRACTION).toFixed(1)} min): RSS ${rssFrom.toFixed(0)} → ${rssTo.toFixed(0)} MB (${(growth * 100).toFixed(1)} %, trend ${slopePerMinute(settled.map((s) => s.rssMb)).toFixed(2)} MB/min); ` +
    `fds ${fdsFrom} → ${fdsTo} (trend ${slopePerMinute(settled.map((s) => s.fds)).toFixed(1)}/min); medians of the first and last three samples`,
);
// A server too busy to answer /metrics in time gives no heap figure: those samples are left out.
const heapKnown = settled.filter((s) => Number.isFinite(s.heapUsedMb));
const heapUsed = (of: ServerSample[]) => median(of.map((s) => s.heapUsedMb)).toFixed(0);
console.log(
  `heap used ${heapUsed(heapKnown.slice(0, 3))} → ${heapUsed(heapKnown.slice(-3))} MB (trend ${slopePerMinute(heapKnown.map((s) => s.heapUsedMb)).toFixed(2)} MB/min, ${heapKnown.length} of ${settled.length} samples); ` +
    `fds before the visitors ${fdsIdle}, after they left ${fdsLeft}`,
);
// fd growth is judged once the visitors have gone: while they churn, the sockets open at the moment
// of a sample swing by a hundred between two samples, which no median of three settles.
const met = growth < RSS_GROWTH_TARGET && fdsLeft <= fdsIdle && errors === 0 && lost === 0;
console.log(`target: RSS growth < ${RSS_GROWTH_TARGET * 100} % after warm-up, no fd growth (as many fds once the visitors left as before them), 0 errors, 0 lost: ${met ? 'met' : 'NOT met'}`);
process.exit(0);
