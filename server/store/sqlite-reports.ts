// The report side of the SQLite adapter (ReportStore, report-store.ts), in the tables of its
// migration (sqlite-schema.ts): `report_counts`, a row per bot, UTC day and counter, and
// `report_durations`, a row per bot, day and kind holding that day's handover waits or first
// responses as a JSON array. `add` runs inside the transaction that stores the event it counts,
// so an event and its count commit together; each counter is one upsert (a few µs), and reading a
// year is one row of JSON per day (counts gathered by json_group_object) and two of durations.
import type Database from 'better-sqlite3';
import type { Tally } from '../reports/tally.ts';
import type { ReportDay, ReportStore } from './report-store.ts';
import { reportQuery } from './report-arguments.ts';
import { dayFromValue } from './report-days.ts';

type DurationKind = 'wait' | 'first-response';

export function sqliteReports(db: Database.Database) {
  const sql = {
    count: db.prepare<[string, string, string, number]>(
      `INSERT INTO report_counts (bot_id, day, counter, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (bot_id, day, counter) DO UPDATE SET n = n + excluded.n`,
    ),
    duration: db.prepare<{ bot: string; day: string; kind: DurationKind; ms: number }>(
      `INSERT INTO report_durations (bot_id, day, kind, ms) VALUES (@bot, @day, @kind, json_array(@ms))
       ON CONFLICT (bot_id, day, kind) DO UPDATE SET ms = json_insert(ms, '$[#]', @ms)`,
    ),
    counts: db.prepare<[string, string, string], { day: string; counts: string }>(
      `SELECT day, json_group_object(counter, n) AS counts FROM report_counts
       WHERE bot_id = ? AND day BETWEEN ? AND ? GROUP BY day`,
    ),
    durations: db.prepare<[string, string, string], { day: string; kind: DurationKind; ms: string }>(
      'SELECT day, kind, ms FROM report_durations WHERE bot_id = ? AND day BETWEEN ? AND ?',
    ),
  };

  /** Adds the tallies; call it inside the transaction that stores what they count. */
  function add(...tallies: Tally[]): void {
    for (const { botId: bot, day, counts, waitMs = [], firstResponseMs = [] } of tallies) {
      for (const [counter, n] of Object.entries(counts)) sql.count.run(bot, day, counter, n);
      for (const ms of waitMs) sql.duration.run({ bot, day, kind: 'wait', ms: Math.round(ms) });
      for (const ms of firstResponseMs) sql.duration.run({ bot, day, kind: 'first-response', ms: Math.round(ms) });
    }
  }

  function daysOf(bot: string, from: string, to: string): ReportDay[] {
    const days = new Map<string, { counts: unknown; waitMs: unknown; firstResponseMs: unknown }>();
    const entry = (day: string) => days.get(day) ?? days.set(day, { counts: {}, waitMs: [], firstResponseMs: [] }).get(day)!;
    for (const row of sql.counts.all(bot, from, to)) entry(row.day).counts = JSON.parse(row.counts);
    for (const row of sql.durations.all(bot, from, to)) entry(row.day)[row.kind === 'wait' ? 'waitMs' : 'firstResponseMs'] = JSON.parse(row.ms);
    return [...days].map(([day, value]) => dayFromValue(bot, day, value));
  }

  const store: ReportStore = {
    async reportDays(query) {
      const { bots, from, to } = reportQuery(query);
      return bots.flatMap((bot) => daysOf(bot, from, to)).sort((a, b) => a.day.localeCompare(b.day) || a.botId.localeCompare(b.botId));
    },
  };

  return { add, store };
}
