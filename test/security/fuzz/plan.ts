// The whole fuzz run as data: which requests, in which order, as a pure function of the seed and
// of the run's tokens and origin. Nothing else random goes in, so one seed always yields the same
// requests, which is what makes a printed FUZZ_SEED replayable.
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import * as gen from './requests.ts';
import { consoleRoutes, type ConsoleFuzzContext } from './console-requests.ts';

export const COUNTS = {
  sessions: 2_000,
  auth: 2_000,
  messages: 2_000,
  victimMessages: 500,
  history: 1_500,
  deletes: 1_000,
  typing: 1_000,
  ratings: 1_000,
  exports: 1_000,
  raw: 1_200,
};

/** fast-check seeds are 32-bit integers; larger numbers would silently alias smaller ones. */
const MAX_SEED = 2_147_483_647;

/** FUZZ_SEED when set (an integer 0…2147483647, anything else is an error), else a fresh one. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FUZZ_SEED?.trim();
  if (given === undefined || given === '') return randomInt(MAX_SEED);
  const seed = /^\d{1,10}$/.test(given) ? Number(given) : NaN;
  if (!(seed <= MAX_SEED)) throw new Error(`FUZZ_SEED must be an integer from 0 to ${MAX_SEED}, got ${JSON.stringify(given.slice(0, 40))}`);
  return seed;
}

export interface FuzzPlan {
  /** Requests through an HTTP client, endpoints interleaved. */
  http: gen.FuzzRequest[];
  /** Byte-for-byte requests no HTTP client would send. */
  raw: gen.RawRequest[];
}

export function fuzzPlan(seed: number, tokens: gen.FuzzTokens, ownOrigin: string, counts = COUNTS): FuzzPlan {
  // Each endpoint draws from its own stream (seed + salt), so changing one count leaves the others' requests alone.
  const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] => fc.sample(arb, { numRuns: n, seed: (seed + salt) | 0 });
  const http: gen.FuzzRequest[] = [
    ...sample(gen.createSession(tokens, ownOrigin), counts.sessions, 1),
    ...sample(gen.channelAuth(tokens), counts.auth, 2),
    ...sample(gen.postMessage(tokens), counts.messages, 3),
    ...sample(gen.postMessageAsVictim(tokens), counts.victimMessages, 4),
    ...sample(gen.getMessages(tokens), counts.history, 5),
    ...sample(gen.deleteConversation(tokens), counts.deletes, 6),
    ...sample(gen.postTyping(tokens), counts.typing, 8),
    ...sample(gen.postRating(tokens), counts.ratings, 9),
    ...sample(gen.getExport(tokens), counts.exports, 10),
  ];
  // Interleave endpoints so every kind of request meets every server state.
  const shuffled = fc.sample(fc.shuffledSubarray(http, { minLength: http.length }), { numRuns: 1, seed })[0]!;
  return { http: shuffled, raw: sample(gen.rawRequest(), counts.raw, 7) };
}

/**
 * The console run: every route's requests, interleaved, as a pure function of the seed and the
 * run's sessions; `share` of each route's count (a slower store gets fewer, same seed, same kinds).
 */
export function consoleFuzzPlan(seed: number, ctx: ConsoleFuzzContext, share = 1): gen.FuzzRequest[] {
  const all = consoleRoutes(ctx).flatMap(({ arbitrary, count }, i) => fc.sample(arbitrary, { numRuns: Math.ceil(count * share), seed: (seed + 100 + i) | 0 }));
  return fc.sample(fc.shuffledSubarray(all, { minLength: all.length }), { numRuns: 1, seed })[0]!;
}

/** The /metrics run: `count` requests of getMetrics, a pure function of the seed and the token. */
export function metricsFuzzPlan(seed: number, token: string, count = 1_500): gen.FuzzRequest[] {
  return fc.sample(gen.getMetrics(token), { numRuns: count, seed: (seed + 200) | 0 });
}
