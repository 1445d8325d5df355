// A report from the store's day tallies (server/store/report-store.ts): the bots' days summed,
// every day of the period listed (zeros where nothing was counted), shares, top intents and
// fallbacks, and handover waits and first responses as p50/p90. Pure: the route reads the tallies,
// this shapes them, and the CSV tables (csv.ts) are cut from what this returns.
import { SENDERS, type Sender } from '../../common/wire.ts';
import { BOT_OUTCOMES, MESSAGE_OUTCOMES } from '../../common/turn-outcomes.ts';
import { HANDOVER_SOURCES, RESOLUTION_CODES } from '../../common/handover-wire.ts';
import type { DurationSummary, ReportDayRow, ReportView } from '../../common/report-wire.ts';
import type { ReportDay } from '../store/report-store.ts';
import { addTally, COUNTER, FALLBACKS, INTENTS, NO_INTENT } from './tally.ts';

const DAY_MS = 86_400_000;

/** The value at or below which `share` of the sorted values fall (nearest rank); null for none. */
function percentile(sorted: Float64Array, share: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!;
}

export function summarise(durations: readonly number[]): DurationSummary {
  // A typed array sorts numbers as numbers, without a comparator: a year's waits in a few ms.
  const sorted = Float64Array.from(durations).sort();
  return { count: sorted.length, p50Ms: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
}

/** Every UTC day from `from` to `to`, both included. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

const emptyDay = (day: string): ReportDay => ({ botId: '', day, counts: {}, waitMs: [], firstResponseMs: [] });

/** The counters under `prefix` (`intents.`), by the name after it, most first, then by name. */
function ranked(counts: Record<string, number>, prefix: string): Array<[string, number]> {
  return Object.entries(counts)
    .filter(([counter, n]) => counter.startsWith(prefix) && n > 0)
    .map(([counter, n]): [string, number] => [counter.slice(prefix.length), n])
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
}

function dayRow(day: ReportDay): ReportDayRow {
  const n = (counter: string) => day.counts[counter] ?? 0;
  const wait = summarise(day.waitMs);
  const firstResponse = summarise(day.firstResponseMs);
  return {
    day: day.day,
    conversations: n(COUNTER.conversations),
    messages: SENDERS.reduce((sum, sender) => sum + n(COUNTER.message(sender)), 0),
    visitorMessages: n(COUNTER.message('visitor')),
    answered: n(COUNTER.outcome('answered')),
    fallback: n(COUNTER.outcome('fallback')),
    handedOver: n(COUNTER.outcome('handover')),
    handovers: HANDOVER_SOURCES.reduce((sum, source) => sum + n(COUNTER.handover(source)), 0),
    resolved: RESOLUTION_CODES.reduce((sum, code) => sum + n(COUNTER.resolution(code)), 0),
    abandoned: n(COUNTER.abandoned('unanswered')) + n(COUNTER.abandoned('gone')),
    waitP50Ms: wait.p50Ms,
    waitP90Ms: wait.p90Ms,
    firstResponseP50Ms: firstResponse.p50Ms,
    firstResponseP90Ms: firstResponse.p90Ms,
  };
}

/** The bots' tallies of each day summed (one bot's day as it is), and of the whole period. */
function sums(tallies: readonly ReportDay[]): { byDay: Map<string, ReportDay>; all: ReportDay } {
  const byDay = new Map<string, ReportDay>();
  const all = emptyDay('');
  for (const tally of tallies) {
    const seen = byDay.get(tally.day);
    if (!seen) {
      byDay.set(tally.day, tally); // one bot's day, used as it is
    } else {
      // Another bot's tally of the same day: summed into a day of its own (botId ''), never into the store's.
      const sum = seen.botId === '' ? seen : emptyDay(tally.day);
      if (sum !== seen) addTally(sum, seen);
      addTally(sum, tally);
      byDay.set(tally.day, sum);
    }
    for (const counter in tally.counts) all.counts[counter] = (all.counts[counter] ?? 0) + tally.counts[counter]!;
    for (const ms of tally.waitMs) all.waitMs.push(ms);
    for (const ms of tally.firstResponseMs) all.firstResponseMs.push(ms);
  }
  return { byDay, all };
}

export function buildReport(period: { bots: ReportView['bots']; from: string; to: string }, tallies: readonly ReportDay[]): ReportView {
  const { byDay, all } = sums(tallies);
  const n = (counter: string) => all.counts[counter] ?? 0;
  const handled = BOT_OUTCOMES.reduce((sum, outcome) => sum + n(COUNTER.outcome(outcome)), 0);
  const ratings = [1, 2, 3, 4, 5].map((score) => ({ score, count: n(COUNTER.rating(score)) }));
  const rated = ratings.reduce((sum, r) => sum + r.count, 0);
  return {
    bots: period.bots,
    from: period.from,
    to: period.to,
    days: daysBetween(period.from, period.to).map((day) => dayRow(byDay.get(day) ?? emptyDay(day))),
    totals: {
      conversations: n(COUNTER.conversations),
      messages: Object.fromEntries(SENDERS.map((sender) => [sender, n(COUNTER.message(sender))])) as Record<Sender, number>,
    },
    outcomes: MESSAGE_OUTCOMES.map((outcome) => {
      const count = n(COUNTER.outcome(outcome));
      return { outcome, count, share: outcome === 'silent' || handled === 0 ? null : count / handled };
    }),
    topIntents: ranked(all.counts, INTENTS).map(([intent, count]) => ({ intent, count })),
    topFallbacks: ranked(all.counts, FALLBACKS).map(([nearest, count]) => ({ nearest: nearest === NO_INTENT ? null : nearest, count })),
    handovers: {
      opened: HANDOVER_SOURCES.reduce((sum, source) => sum + n(COUNTER.handover(source)), 0),
      bySource: HANDOVER_SOURCES.map((source) => ({ source, count: n(COUNTER.handover(source)) })),
      waiting: summarise(all.waitMs),
      firstResponse: summarise(all.firstResponseMs),
      resolutions: RESOLUTION_CODES.map((code) => ({ code, count: n(COUNTER.resolution(code)) })),
      abandoned: { unanswered: n(COUNTER.abandoned('unanswered')), gone: n(COUNTER.abandoned('gone')) },
      ratings: { count: rated, average: rated === 0 ? null : ratings.reduce((sum, r) => sum + r.score * r.count, 0) / rated, byScore: ratings },
    },
  };
}
