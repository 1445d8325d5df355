// A bot's day of report tallies as both adapters keep it: the JSON text of its counts and
// durations (`{"counts":{…},"waitMs":[…],"firstResponseMs":[…]}`). Text, not fields: a day is one
// value to read, and FerretDB reads a document of many nested numbers about a hundred times slower
// than the same numbers as one string (measured: 24 documents of a month each, 1.2 s as fields,
// 40–170 ms as text).
import type { ReportDay } from './report-store.ts';
import { addTally, type Tally } from '../reports/tally.ts';

export const emptyDay = (botId: string, day: string): ReportDay => ({ botId, day, counts: {}, waitMs: [], firstResponseMs: [] });

export function dayJson(day: Pick<ReportDay, 'counts' | 'waitMs' | 'firstResponseMs'>): string {
  return JSON.stringify({ counts: day.counts, waitMs: day.waitMs, firstResponseMs: day.firstResponseMs });
}

/** The day kept as `json`, read back. */
export const dayFromJson = (botId: string, day: string, json: string): ReportDay => dayFromValue(botId, day, JSON.parse(json));

/** A day's tally from its parsed JSON; what is not a count or a duration is left out. */
export function dayFromValue(botId: string, day: string, value: unknown): ReportDay {
  const parsed = (value ?? {}) as Partial<Record<keyof ReportDay, unknown>>;
  const numbers = (list: unknown) => (Array.isArray(list) ? list.filter((n): n is number => typeof n === 'number') : []);
  const counts: Record<string, number> = {};
  if (parsed.counts && typeof parsed.counts === 'object') {
    for (const [counter, n] of Object.entries(parsed.counts)) if (typeof n === 'number') counts[counter] = n;
  }
  return { botId, day, counts, waitMs: numbers(parsed.waitMs), firstResponseMs: numbers(parsed.firstResponseMs) };
}

/** Sums days by bot and day, ordered by day, then bot: what reportDays answers. */
export function byBotAndDay(days: Iterable<ReportDay | Tally>): ReportDay[] {
  const sums = new Map<string, ReportDay>();
  for (const day of days) {
    const key = `${day.botId}|${day.day}`;
    let sum = sums.get(key);
    if (!sum) sums.set(key, (sum = emptyDay(day.botId, day.day)));
    addTally(sum, day);
  }
  return [...sums.values()].sort((a, b) => a.day.localeCompare(b.day) || a.botId.localeCompare(b.botId));
}
