// Rule: /metrics is fuzzed like every other endpoint. Two real Parley processes: one with
// METRICS_TOKEN, where wrong, near-right and huge bearers, every method, odd query strings and huge
// headers get a clean refusal (never a 5xx, a stack, a library's words or the token echoed; every
// refusal the API's JSON error shape) and only the token itself, by GET or HEAD, gets the metrics;
// and one without it, where /metrics is not there at all: 404 whatever arrives.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import type { FuzzRequest } from './fuzz/requests.ts';
import { fuzzSeed, metricsFuzzPlan } from './fuzz/plan.ts';
import { runPool, sendHttp, type Outcome } from './fuzz/send.ts';
import { LIBRARY_TEXT, STACK_TRACE } from './fuzz/leaks.ts';

const SEED = fuzzSeed();
const CONCURRENCY = 8;
const TOKEN = randomBytes(24).toString('base64url');

process.stdout.write(`fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED} npx vitest run test/security/fuzz-metrics.test.ts\n`);

interface Answer {
  request: FuzzRequest;
  outcome: Outcome;
}

async function fuzz(server: ParleyProcess): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const plan = metricsFuzzPlan(SEED, TOKEN);
  const answers = await runPool(plan.map((request) => async () => ({ request, outcome: await sendHttp(server.port, agent, request) })), CONCURRENCY);
  agent.destroy();
  const statuses = new Map<string, number>();
  for (const { request, outcome } of answers) {
    const key = `${request.method} → ${outcome.status ?? outcome.error}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  }
  process.stdout.write(`  ${[...statuses].sort().map(([k, n]) => `${String(n).padStart(5)}  ${k}`).join('\n  ')}\n`);
  return answers;
}

const describeRequest = ({ request }: Answer) => `${request.method} ${request.path.slice(0, 120)} ${JSON.stringify(request.headers).slice(0, 200)}`;

/** Whether `body` is the API's error shape, `{error: {code, message}}`. */
function isErrorShape(body: string): boolean {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return typeof error?.code === 'string' && typeof error.message === 'string';
  } catch {
    return false;
  }
}

/** What is wrong with one answer: a 5xx, a dead connection, a leak, or a refusal not in the API's error shape. */
function problemsOf({ request, outcome }: Answer): string[] {
  const problems: string[] = [];
  // A reset or broken pipe is how a server drops an upload it will not read; a request our client would not build never left.
  if (outcome.error && !['ECONNRESET', 'EPIPE'].includes(outcome.error) && !outcome.error.startsWith('client-refused')) problems.push(`transport ${outcome.error}`);
  if (outcome.status === undefined) return problems;
  if (outcome.status >= 500) problems.push(`status ${outcome.status}`);
  if (STACK_TRACE.test(outcome.body) || LIBRARY_TEXT.test(outcome.body)) problems.push('stack or library text in body');
  if (outcome.body.includes(TOKEN) || outcome.head.includes(TOKEN.toLowerCase())) problems.push('the token in the answer');
  if (outcome.status >= 400 && request.method !== 'HEAD' && !isErrorShape(outcome.body)) problems.push(`not the JSON error shape: ${outcome.body.slice(0, 80)}`);
  return problems;
}

const failuresOf = (answers: Answer[]) => answers.flatMap((a) => problemsOf(a).map((problem) => ({ problem, request: describeRequest(a) }))).slice(0, 12);

describe(`fuzz (seed ${SEED}): /metrics`, { timeout: 120_000 }, () => {
  let withToken: ParleyProcess;
  let without: ParleyProcess;
  let guarded: Answer[];
  let absent: Answer[];

  beforeAll(async () => {
    [withToken, without] = await Promise.all([startParley({ METRICS_TOKEN: TOKEN }), startParley()]);
    guarded = await fuzz(withToken);
    absent = await fuzz(without);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([withToken?.stop(), without?.stop()]);
  });

  it('fuzz /metrics: no 5xx, no dead connection, no stack, library text or token in any answer, every refusal {error: {code, message}}', () => {
    expect(guarded.length).toBeGreaterThanOrEqual(1_500);
    // Requests our own client refused to build would be requests never tried.
    expect(guarded.filter((a) => a.outcome.error?.startsWith('client-refused')).length / guarded.length).toBeLessThan(0.01);
    expect(failuresOf(guarded)).toEqual([]);
    expect(failuresOf(absent)).toEqual([]);
  });

  it('fuzz /metrics: only the token itself, by GET or HEAD, gets the metrics; every other request is refused', () => {
    // The bearer scheme is case-insensitive, and HTTP drops the spaces around a header's value.
    const rightToken = (request: FuzzRequest) => new RegExp(`^bearer ${TOKEN}$`, 'i').test(request.headers.authorization?.trim() ?? '');
    // OPTIONS is the router's answer: 200, an Allow header and no body.
    const served = guarded.filter((a) => a.outcome.status === 200 && a.request.method !== 'OPTIONS');
    expect(served.length).toBeGreaterThan(0);
    const wrongly = served.filter(({ request }) => !['GET', 'HEAD'].includes(request.method) || !rightToken(request));
    expect(wrongly.map(describeRequest)).toEqual([]);
    expect(served.filter((a) => a.request.method === 'GET').every((a) => a.outcome.body.includes('# TYPE'))).toBe(true);
    expect(guarded.filter((a) => a.request.method === 'OPTIONS' && a.outcome.status === 200 && a.outcome.body !== '').map(describeRequest)).toEqual([]);
  });

  it('fuzz /metrics: without METRICS_TOKEN there is no /metrics: 404 whatever the method, token, query or headers (431 for headers over the limit)', () => {
    const other = absent.filter((a) => a.outcome.status !== 404 && a.outcome.status !== 431);
    expect(other.map((a) => `${a.outcome.status ?? a.outcome.error} ${describeRequest(a)}`).slice(0, 12)).toEqual([]);
    // The limit is on the headers, whatever the route: a request under it is a plain 404 here.
    expect(absent.filter((a) => a.outcome.status === 404).length).toBeGreaterThan(1_000);
  });

  it('fuzz /metrics: both servers still alive and serving', async () => {
    for (const server of [withToken, without]) {
      expect(server.proc.exitCode).toBeNull();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }
  });
});
