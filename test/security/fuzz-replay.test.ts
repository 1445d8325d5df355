// FUZZ_SEED replays a fuzz run: the seed is parsed strictly (a value fast-check would silently
// read as another seed is refused), and one seed with the same tokens yields the same requests,
// byte for byte, in the same order.
import { describe, expect, it } from 'vitest';
import { consoleFuzzPlan, fuzzPlan, fuzzSeed, metricsFuzzPlan, type FuzzPlan } from './fuzz/plan.ts';
import type { FuzzRequest, FuzzTokens } from './fuzz/requests.ts';
import type { ConsoleFuzzContext } from './fuzz/console-requests.ts';

const tokens: FuzzTokens = {
  victim: 'victim.token.a.b.c',
  victimChannel: 'private-encrypted-chat-victim',
  fuzzers: Array.from({ length: 20 }, (_, i) => `fuzzer${i}.x.y.z.w`),
  fuzzerChannels: Array.from({ length: 20 }, (_, i) => `private-encrypted-chat-f${i}`),
  disposable: Array.from({ length: 30 }, (_, i) => `disposable${i}.x.y.z.w`),
};
const ORIGIN = 'http://localhost:3000';
const small = { sessions: 60, auth: 60, messages: 60, victimMessages: 30, history: 60, deletes: 30, typing: 30, ratings: 30, exports: 30, raw: 60 };

const consoleContext: ConsoleFuzzContext = {
  ownOrigin: ORIGIN,
  admin: { cookie: 'a'.repeat(43), csrf: 'b'.repeat(43), id: 'c'.repeat(22) },
  operator: { cookie: 'd'.repeat(43), csrf: 'e'.repeat(43), id: 'f'.repeat(22) },
  password: 'correct horse battery staple 42',
  handoverId: 'g'.repeat(22),
  conversationId: 'h'.repeat(22),
  webhookId: 'i'.repeat(22),
};

const httpWire = (r: FuzzRequest): string => JSON.stringify([r.endpoint, r.method, r.path, r.headers, r.body?.toString('base64')]);

/** Everything a run would send, as bytes. */
function wire(plan: FuzzPlan): string[] {
  return [
    ...plan.http.map(httpWire),
    ...plan.raw.map((r) => `${r.endpoint} ${r.bytes('127.0.0.1:3000').toString('base64')}`),
  ];
}

describe('fuzz replay', () => {
  it('fuzz: the same seed generates the same requests in the same order; another seed does not', () => {
    const run = wire(fuzzPlan(1234, tokens, ORIGIN, small));
    expect(wire(fuzzPlan(1234, tokens, ORIGIN, small))).toEqual(run);
    expect(wire(fuzzPlan(1235, tokens, ORIGIN, small))).not.toEqual(run);
  });

  it('fuzz: the console run too: the same seed generates the same requests in the same order; another seed does not', () => {
    // A fifth of each route's count: the same generators, a plan generated three times in seconds.
    const run = consoleFuzzPlan(1234, consoleContext, 0.2).map(httpWire);
    expect(consoleFuzzPlan(1234, consoleContext, 0.2).map(httpWire)).toEqual(run);
    expect(consoleFuzzPlan(1235, consoleContext, 0.2).map(httpWire)).not.toEqual(run);
  });

  it('fuzz: the /metrics run too: the same seed generates the same requests in the same order; another seed does not', () => {
    const token = 'metrics-token-0123456789';
    const run = metricsFuzzPlan(1234, token, 200).map(httpWire);
    expect(metricsFuzzPlan(1234, token, 200).map(httpWire)).toEqual(run);
    expect(metricsFuzzPlan(1235, token, 200).map(httpWire)).not.toEqual(run);
  });

  it('fuzz: FUZZ_SEED is taken as given, and a fresh seed is drawn without it', () => {
    expect(fuzzSeed({ FUZZ_SEED: '42' })).toBe(42);
    expect(fuzzSeed({ FUZZ_SEED: ' 0 ' })).toBe(0);
    const fresh = fuzzSeed({});
    expect(Number.isInteger(fresh) && fresh >= 0 && fresh <= 2_147_483_647).toBe(true);
  });

  it.each(['abc', '1.5', '-1', '1e3', '2147483648', '99999999999', '0x10'])('fuzz: FUZZ_SEED=%s is refused, not run as some other seed', (value) => {
    expect(() => fuzzSeed({ FUZZ_SEED: value })).toThrow(/^FUZZ_SEED must be an integer from 0 to 2147483647/);
  });
});
