// Rule: "≥10,000 generated malformed requests across every endpoint: no 5xx, no crash, stored data
// unchanged". A real Parley process, real sockets; fast-check generates the requests.
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../common/wire.ts';
import { startParley, type ParleyProcess } from '../helpers/parley-server.ts';
import { demoBotsDir } from '../helpers/demo-bot.ts';
import { call, history, openSession, send, subscribeToConversation } from '../helpers/visitor-api.ts';
import type * as gen from './fuzz/requests.ts';
import { fuzzPlan, fuzzSeed } from './fuzz/plan.ts';
import { runPool, sendHttp, sendRaw, type Outcome } from './fuzz/send.ts';
import { STACK_TRACE } from './fuzz/leaks.ts';

const SEED = fuzzSeed();
const CONCURRENCY = 8;

/** A line only package.json holds: a body that has it served package.json. */
const PACKAGE_JSON_MARKER = `"start": ${JSON.stringify((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start)}`;

interface FuzzReport {
  tried: Map<string, number>;
  transportErrors: Map<string, number>;
  failures: Failure[];
  total: number;
}

interface Failure {
  endpoint: string;
  request: string;
  problem: string;
}

// The seed is in the suite's name and printed before anything runs, so even a run that hangs or
// crashes can be replayed: FUZZ_SEED=<seed> npx vitest run test/security/fuzz.test.ts
process.stdout.write(`fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED} npx vitest run test/security/fuzz.test.ts\n`);

describe(`fuzz (seed ${SEED}): malformed requests against every endpoint`, { timeout: 60_000 }, () => {
  let server: ParleyProcess;
  let work: string;
  let secrets: string[] = [];
  let victim: { token: string; channel: string; before: ChatMessage[] };
  let tokens: gen.FuzzTokens;
  let report: FuzzReport;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'parley-fuzz-'));
    // The demo bot with a high per-conversation budget, so inputs reach validation rather than
    // all stopping at the rate limit (which has its own test).
    const botsDir = demoBotsDir((demo) => (demo.policy = { ...demo.policy, messagesPerMinute: 600 }));
    server = await startParley({
      DATA_DIR: path.join(work, 'data'),
      BOTS_DIR: botsDir,
      RATE_SESSIONS_PER_IP: '1000000',
      RATE_AUTH_PER_IP: '1000000',
    });
    const generated = JSON.parse(readFileSync(path.join(server.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    secrets = [
      ...String(generated.tokenKeys).split(',').map((k) => k.split(':')[1] ?? ''),
      generated.pusherSecret ?? '',
      generated.encryptionKey ?? '',
    ].filter((s) => s.length >= 16);

    const v = await openSession(server.url);
    const channel = await subscribeToConversation(server, v, 'typing');
    try {
      await send(server.url, v.token, 'victim-1', 'What are your prices?');
      await send(server.url, v.token, 'victim-2', 'And your opening hours?');
      // Both turns over (each ends with typing off, after its replies are stored): the history
      // taken now is final, and the fuzz must leave it exactly so.
      await channel.until((t) => t.filter((e) => e.event === 'typing' && !(e.data as { typing: boolean }).typing).length === 2, 'the end of both turns');
    } finally {
      channel.disconnect();
    }
    victim = { token: v.token, channel: v.channel, before: await history(server.url, v.token) };

    const fuzzers = await Promise.all(Array.from({ length: 20 }, () => openSession(server.url)));
    const disposable = await Promise.all(Array.from({ length: 30 }, () => openSession(server.url)));
    tokens = {
      victim: v.token,
      victimChannel: v.channel,
      fuzzers: fuzzers.map((s) => s.token),
      fuzzerChannels: fuzzers.map((s) => s.channel),
      disposable: disposable.map((s) => s.token),
    };
    report = await runFuzz();
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function runFuzz(): Promise<FuzzReport> {
    const ownOrigin = new URL(server.url).origin;
    const plan = fuzzPlan(SEED, tokens, ownOrigin);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const tried = new Map<string, number>();
    const statuses = new Map<string, number>();
    const transportErrors = new Map<string, number>();
    // Every kind of failure is counted; a few samples of each are kept for the report.
    const failureCounts = new Map<string, number>();
    const failures: Failure[] = [];
    const describeRequest = (r: gen.FuzzRequest): string =>
      `${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)} ${r.body?.subarray(0, 200).toString('latin1') ?? ''}`;

    const inspect = (endpoint: string, request: () => string, outcome: Outcome): void => {
      tried.set(endpoint, (tried.get(endpoint) ?? 0) + 1);
      const statusKey = `${endpoint} → ${outcome.status ?? outcome.error}`;
      statuses.set(statusKey, (statuses.get(statusKey) ?? 0) + 1);
      const problems: string[] = [];
      if (outcome.status !== undefined && outcome.status >= 500) problems.push(`status ${outcome.status}`);
      if (outcome.error) {
        transportErrors.set(outcome.error, (transportErrors.get(outcome.error) ?? 0) + 1);
        // A reset or broken pipe is how a server refuses an upload it will not read; anything
        // else (refused connection, timeout) means the server is gone or stuck.
        if (!['ECONNRESET', 'EPIPE'].includes(outcome.error) && !outcome.error.startsWith('client-refused')) problems.push(`transport ${outcome.error}`);
      }
      if (STACK_TRACE.test(outcome.body)) problems.push('stack trace in body');
      if (outcome.body.includes(PACKAGE_JSON_MARKER)) problems.push('served package.json');
      for (const secret of secrets) if (outcome.body.includes(secret) || outcome.head.includes(secret.toLowerCase())) problems.push('secret in response');
      if (/^x-injected/m.test(outcome.head) || /set-cookie:[^\n]*injected/.test(outcome.head)) problems.push('injected response header');
      for (const problem of problems) {
        const text = request();
        const kind = `${endpoint} | ${text.split(' ')[0]} | ${problem}`;
        const seen = (failureCounts.get(kind) ?? 0) + 1;
        failureCounts.set(kind, seen);
        if (seen <= 3) failures.push({ endpoint, request: text, problem });
      }
    };

    const started = Date.now();
    await runPool(
      plan.http.map((r) => async () => inspect(r.endpoint, () => describeRequest(r), await sendHttp(server.port, agent, r))),
      CONCURRENCY,
    );
    await runPool(
      plan.raw.map((r) => async () => inspect(r.endpoint, () => r.bytes('host').subarray(0, 300).toString('latin1'), await sendRaw(server.port, r))),
      CONCURRENCY,
    );
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;

    const total = [...tried.values()].reduce((a, b) => a + b, 0);
    const lines = [
      `fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it): ${total} requests in ${seconds.toFixed(1)} s`,
      ...[...tried].map(([endpoint, n]) => `  ${String(n).padStart(6)}  ${endpoint}`),
      '  statuses:',
      ...[...statuses].sort().map(([k, n]) => `    ${String(n).padStart(6)}  ${k}`),
      `  transport errors: ${JSON.stringify(Object.fromEntries(transportErrors))}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');

    if (failureCounts.size > 0) {
      process.stdout.write(`  failures by kind:\n${[...failureCounts].map(([k, n]) => `    ${String(n).padStart(6)}  ${k}`).join('\n')}\n`);
    }
    return { tried, transportErrors, failures, total };
  }

  const sampleOf = (kind: RegExp): Failure[] => report.failures.filter((f) => kind.test(f.problem));

  it('fuzz: at least 10,000 requests were tried, at least 1,000 per API endpoint', () => {
    expect(report.total).toBeGreaterThanOrEqual(10_000);
    for (const endpoint of ['POST /api/v1/sessions', 'POST /api/v1/realtime/auth', 'POST /api/v1/messages', 'GET /api/v1/messages', 'DELETE /api/v1/conversation', 'POST /api/v1/typing', 'POST /api/v1/rating', 'GET /api/v1/conversation/export']) {
      expect(report.tried.get(endpoint) ?? 0, endpoint).toBeGreaterThanOrEqual(1_000);
    }
    // Requests our own client refused to build would be requests never tried.
    const refused = [...report.transportErrors].filter(([k]) => k.startsWith('client-refused')).reduce((a, [, n]) => a + n, 0);
    expect(refused / report.total).toBeLessThan(0.01);
  });

  it('fuzz: no 5xx and no hung or refused connection', () => {
    const bad = sampleOf(/^(status|transport)/);
    expect(bad, JSON.stringify(bad.slice(0, 12), null, 2)).toEqual([]);
  });

  it('fuzz: no stack trace, secret, served source file or injected header in any response', () => {
    const bad = sampleOf(/stack|secret|package|injected/);
    expect(bad, JSON.stringify(bad.slice(0, 12), null, 2)).toEqual([]);
  });

  it('fuzz: the server process is still alive and serving', async () => {
    expect(server.proc.exitCode).toBeNull();
    expect(server.proc.signalCode).toBeNull();
    expect((await call(server.url, '/healthz')).status).toBe(200);
  });

  it('fuzz: stored data unchanged: the conversation created first returns the same history', async () => {
    expect(await history(server.url, victim.token)).toEqual(victim.before);
  });
});
