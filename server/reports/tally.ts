// What reports count (issue 15), and the one place that says which store event counts as what.
// A tally is a bot's counters and durations of one UTC day: metadata only, with no conversation
// id, visitor, text or value in it. The store adds each event's tally in the same call that stores
// the event (one transaction on SQLite), and keeps tallies apart from conversations: deleting,
// clearing, archiving or expiring a conversation removes nothing from them, so an erasure leaves
// the counts as they were and has nothing personal to reach in them.
import type { Sender } from '../../common/wire.ts';
import type { HandoverSource, ResolutionCode } from '../../common/handover-wire.ts';
import type { Handover } from '../store/handover-store.ts';
import type { TurnMeta } from '../store/store.ts';
import type { MessageOutcome } from '../../common/turn-outcomes.ts';

/** One bot's counts and durations of one UTC day, as one store event adds them. */
export interface Tally {
  botId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Counter name (COUNTER below) → how much to add. */
  counts: Record<string, number>;
  /** From a handover's start to its first assignment (ms). */
  waitMs?: number[];
  /** From a handover's start to its operator's first message (ms). */
  firstResponseMs?: number[];
}

/** What a name inside a counter may be: bot-defined names (intents) and our own codes. Dots never. */
const KEY_PART = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Parts no intent can be named (intent names start with a letter): a fallback with no intent near
 * it, and a name that is not a plain identifier (which the definitions never let through).
 */
export const NO_INTENT = '_none';
/** The counters named by intent begin so; what follows is the intent's name. */
export const INTENTS = 'intents.';
export const FALLBACKS = 'fallbacks.';
const NOT_A_NAME = '_other';

/**
 * The counter names, in one place. Dotted (`messages.visitor`): SQLite keeps them as they are,
 * MongoDB as nested fields. A name part that is not a plain identifier is counted under `_other`,
 * so nothing but our own shapes can ever become a key.
 */
export const COUNTER = {
  conversations: 'conversations',
  message: (sender: Sender) => `messages.${part(sender)}`,
  /** A visitor message's turn, by what it did (common/turn-outcomes.ts). */
  outcome: (outcome: MessageOutcome) => `outcomes.${part(outcome)}`,
  /** A turn that reached this intent. */
  intent: (intent: string) => `${INTENTS}${part(intent)}`,
  /** A fallback, by the intent nearest to what the visitor wrote (NO_INTENT when none was near). */
  fallback: (nearest: string | undefined) => `${FALLBACKS}${nearest === undefined ? NO_INTENT : part(nearest)}`,
  handover: (source: HandoverSource) => `handovers.${part(source)}`,
  resolution: (code: ResolutionCode) => `resolutions.${part(code)}`,
  /** Abandoned before anyone took it (`unanswered`), or with an operator, the visitor gone (`gone`). */
  abandoned: (kind: 'unanswered' | 'gone') => `abandoned.${kind}`,
  rating: (score: number) => `ratings.${Number.isInteger(score) && score >= 1 && score <= 5 ? score : NOT_A_NAME}`,
} as const;

function part(name: string): string {
  return KEY_PART.test(name) ? name : NOT_A_NAME;
}

/** The UTC day of `at`. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** ms from `from` to `to`; never negative (two instances' clocks may disagree a little). */
const between = (from: Date, to: Date): number => Math.max(0, to.getTime() - from.getTime());

const one = (botId: string, at: Date, counter: string): Tally => ({ botId, day: dayOf(at), counts: { [counter]: 1 } });

export function conversationStarted(botId: string, at: Date): Tally {
  return one(botId, at, COUNTER.conversations);
}

/** Every message stored, once, by its sender, on the day it was stored. */
export function messageStored(botId: string, sender: Sender, at: Date): Tally {
  return one(botId, at, COUNTER.message(sender));
}

/**
 * A visitor message's completed turn, on the day it completed: its outcome, the intent it reached,
 * and for a fallback the intent nearest to it ("top fallbacks", counted by intent, never by text).
 */
export function turnCompleted(botId: string, at: Date, meta: Pick<TurnMeta, 'outcome' | 'nearest'> & { intent?: string | null }): Tally {
  const counts: Record<string, number> = { [COUNTER.outcome(meta.outcome)]: 1 };
  if (typeof meta.intent === 'string') counts[COUNTER.intent(meta.intent)] = 1;
  if (meta.outcome === 'fallback') counts[COUNTER.fallback(typeof meta.nearest === 'string' ? meta.nearest : undefined)] = 1;
  return { botId, day: dayOf(at), counts };
}

export function handoverOpened(handover: Handover): Tally {
  return one(handover.botId, handover.startedAt, COUNTER.handover(handover.source));
}

/**
 * What a handover's transition adds: the wait, at its first assignment (a reassignment is not a
 * second wait); its resolution; or its abandonment, told apart by whether anyone had taken it.
 */
export function handoverChanged(before: Handover, after: Handover): Tally[] {
  const tallies: Tally[] = [];
  const { botId } = after;
  if (before.assignedAt === null && after.assignedAt !== null) {
    tallies.push({ botId, day: dayOf(after.assignedAt), counts: {}, waitMs: [between(before.startedAt, after.assignedAt)] });
  }
  const ended = after.endedAt ?? after.assignedAt ?? before.startedAt;
  if (before.state !== 'resolved' && after.state === 'resolved' && after.resolution !== null) {
    tallies.push(one(botId, ended, COUNTER.resolution(after.resolution)));
  }
  if (before.state !== 'abandoned' && after.state === 'abandoned') {
    tallies.push(one(botId, ended, COUNTER.abandoned(before.assigneeId === null ? 'unanswered' : 'gone')));
  }
  return tallies;
}

/** The operator's first message (`markFirstResponse` that set it). */
export function firstResponded(handover: Handover, at: Date): Tally {
  return { botId: handover.botId, day: dayOf(at), counts: {}, firstResponseMs: [between(handover.startedAt, at)] };
}

/** A rating counts on the day its handover was resolved (the rating itself carries no time). */
export function rated(handover: Handover, score: number): Tally {
  return one(handover.botId, handover.endedAt ?? handover.startedAt, COUNTER.rating(score));
}

/** Adds `tally`'s counts and durations into `into` (same bot and day). */
export function addTally(into: Omit<Tally, 'waitMs' | 'firstResponseMs'> & { waitMs: number[]; firstResponseMs: number[] }, tally: Tally): void {
  for (const [counter, n] of Object.entries(tally.counts)) into.counts[counter] = (into.counts[counter] ?? 0) + n;
  if (tally.waitMs) into.waitMs.push(...tally.waitMs);
  if (tally.firstResponseMs) into.firstResponseMs.push(...tally.firstResponseMs);
}
