// A year of generated conversations for bench/reports.ts, as the report tallies they leave: each
// conversation's events (start, greeting, visitor turns with their outcomes and intents, replies,
// now and then a handover with its wait, first response, operator messages, resolution or
// abandonment and rating) turned into tallies by the very functions the store calls when it stores
// those events (server/reports/tally.ts). Seeded, so every run generates the same year.
import type { Handover } from '../server/store/handover-store.ts';
import { newHandover } from '../server/store/handover-arguments.ts';
import type { BotOutcome } from '../common/turn-outcomes.ts';
import type { HandoverSource, ResolutionCode } from '../common/handover-wire.ts';
import { conversationStarted, firstResponded, handoverChanged, handoverOpened, messageStored, rated, turnCompleted, type Tally } from '../server/reports/tally.ts';

const DAY_MS = 86_400_000;
const SECOND = 1000;

/** The demo bot's intents, most asked first. */
const INTENTS = ['opening_hours', 'pricing', 'order_status', 'contact', 'book_demo', 'greeting', 'thanks', 'product_info', 'reset_password', 'location', 'pricing_annual', 'goodbye', 'careers', 'bot_identity', 'priority_support'];

/** mulberry32: a small, fast, seeded generator (0 ≤ r() < 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, weighted: ReadonlyArray<readonly [T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let x = r() * total;
  for (const [value, w] of weighted) if ((x -= w) < 0) return value;
  return weighted.at(-1)![0];
}

const OUTCOMES: ReadonlyArray<readonly [BotOutcome, number]> = [
  ['answered', 62],
  ['fallback', 16],
  ['form', 10],
  ['refused', 2],
  ['handover', 6],
  ['offline', 4],
];
/** Zipf-like: the first intent is asked most. */
const INTENT_WEIGHTS = INTENTS.map((name, i) => [name, 1 / (i + 1)] as const);
const SOURCES: ReadonlyArray<readonly [HandoverSource, number]> = [
  ['intent', 5],
  ['button', 3],
  ['fallback', 2],
];
const CODES: ReadonlyArray<readonly [ResolutionCode, number]> = [
  ['answered', 70],
  ['follow-up', 15],
  ['no-response', 8],
  ['spam', 2],
  ['other', 5],
];
const SCORES: ReadonlyArray<readonly [number, number]> = [
  [5, 50],
  [4, 25],
  [3, 12],
  [2, 7],
  [1, 6],
];

/** Exponentially distributed, mean `mean`, at most `max`. */
const exp = (r: () => number, mean: number, max: number) => Math.min(max, Math.round(-Math.log(1 - r()) * mean));

/** Where the conversation's start falls in the year: weekdays twice as busy as weekends. */
function startOf(r: () => number, yearStart: number): number {
  for (;;) {
    const day = Math.floor(r() * 365);
    const weekday = new Date(yearStart + day * DAY_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6 ? true : r() < 0.5) return yearStart + day * DAY_MS + Math.floor(r() * DAY_MS);
  }
}

/** The tallies of one conversation's whole life, in the order its events happen. */
function conversationTallies(r: () => number, botId: string, startMs: number, n: number): Tally[] {
  const tallies: Tally[] = [];
  let t = startMs;
  const at = () => new Date(t);
  const message = (sender: 'visitor' | 'bot' | 'operator' | 'system') => tallies.push(messageStored(botId, sender, at()));
  tallies.push(conversationStarted(botId, at()));
  message('bot'); // the greeting
  let handedOver = false;
  const turns = 1 + Math.floor(r() * 5);
  for (let i = 0; i < turns; i++) {
    t += 5 * SECOND + exp(r, 20 * SECOND, 5 * 60 * SECOND);
    message('visitor');
    let outcome = pick(r, OUTCOMES);
    if (outcome === 'handover' && handedOver) outcome = 'answered';
    const intent = outcome === 'answered' || outcome === 'handover' ? (outcome === 'handover' ? 'human' : pick(r, INTENT_WEIGHTS)) : undefined;
    const nearest = outcome === 'fallback' && r() < 0.6 ? pick(r, INTENT_WEIGHTS) : undefined;
    tallies.push(turnCompleted(botId, at(), { outcome, ...(intent ? { intent } : {}), ...(nearest ? { nearest } : {}) }));
    for (let k = 0, replies = 1 + Math.floor(r() * 2); k < replies; k++) message('bot');
    if (outcome !== 'handover') continue;
    handedOver = true;
    // As the store opens it: newHandover's record, with the conversation's bot and origin.
    const handover: Handover = { ...newHandover({ id: `h${n}`, conversationId: `c${n}`, source: pick(r, SOURCES), now: at() }), botId, origin: 'https://shop.example' };
    tallies.push(handoverOpened(handover));
    if (r() < 0.12) {
      t += 10 * 60 * SECOND; // nobody came within the wait limit
      tallies.push(...handoverChanged(handover, { ...handover, state: 'abandoned', endedAt: at(), version: 2 }));
      continue;
    }
    t += exp(r, 90 * SECOND, 10 * 60 * SECOND);
    const assigned: Handover = { ...handover, state: 'assigned', assigneeId: 'op', assignedAt: at(), version: 2 };
    tallies.push(...handoverChanged(handover, assigned));
    message('system'); // "<name> joined"
    t += 5 * SECOND + exp(r, 30 * SECOND, 5 * 60 * SECOND);
    tallies.push(firstResponded(assigned, at()));
    for (let k = 0, said = 2 + Math.floor(r() * 5); k < said; k++) {
      message('operator');
      t += exp(r, 40 * SECOND, 5 * 60 * SECOND);
      if (r() < 0.6) {
        message('visitor');
        tallies.push(turnCompleted(botId, at(), { outcome: 'silent' }));
      }
    }
    if (r() < 0.08) {
      t += 30 * 60 * SECOND; // the visitor went quiet
      tallies.push(...handoverChanged(assigned, { ...assigned, state: 'abandoned', endedAt: at(), version: 3 }));
      continue;
    }
    const resolved: Handover = { ...assigned, state: 'resolved', endedAt: at(), resolution: pick(r, CODES), version: 3 };
    tallies.push(...handoverChanged(assigned, resolved));
    message('system'); // "<name> left"
    if (r() < 0.45) tallies.push(rated(resolved, pick(r, SCORES)));
  }
  return tallies;
}

export interface GeneratedConversation {
  /** When it started (ms since the epoch): which instance's week it belongs to. */
  startMs: number;
  tallies: Tally[];
}

/** `count` conversations of `botId` spread over the 365 days from `yearStart` (a UTC midnight). */
export function* yearOfConversations(botId: string, count: number, yearStart: Date, seed: number): Generator<GeneratedConversation> {
  const r = random(seed);
  for (let n = 0; n < count; n++) {
    const startMs = startOf(r, yearStart.getTime());
    yield { startMs, tallies: conversationTallies(r, botId, startMs, n) };
  }
}
