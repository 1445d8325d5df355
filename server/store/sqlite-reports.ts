// The report side of the SQLite adapter (ReportStore, report-store.ts) in the tables of its
// migration (sqlite-schema.ts): `report_counts` (one row per bot, day and counter) and
// `report_durations` (one row per handover wait or first response). `add` runs inside the
// transaction that stores the event it counts, so an event and its count commit together.
import type Database from 'better-sqlite3';
import type { Tally } from '../reports/tally.ts';
import type { ReportDay, ReportStore } from './report-store.ts';
import { reportQuery } from './report-arguments.ts';

type DurationKind = 'wait' | 'first-response';

interface CountRow {
  bot_id: string;
  day: string;
  counter: string;
  n: number;
}

interface DurationRow {
  bot_id: string;
  day: string;
  kind: DurationKind;
  ms: number;
}

export function sqliteReports(db: Database.Database) {
  const sql = {
    count: db.prepare<[string, string, string, number]>(
      `INSERT INTO report_counts (bot_id, day, counter, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (bot_id, day, counter) DO UPDATE SET n = n + excluded.n`,
    ),
    duration: db.prepare<[string, string, DurationKind, number]>('INSERT INTO report_durations (bot_id, day, kind, ms) VALUES (?, ?, ?, ?)'),
    // One bot's days use the primary key (bot, day, …); every bot's, the index on day.
    botCounts: db.prepare<[string, string, string], CountRow>('SELECT bot_id, day, counter, n FROM report_counts WHERE bot_id = ? AND day BETWEEN ? AND ?'),
    allCounts: db.prepare<[string, string], CountRow>('SELECT bot_id, day, counter, n FROM report_counts WHERE day BETWEEN ? AND ?'),
    botDurations: db.prepare<[string, string, string], DurationRow>('SELECT bot_id, day, kind, ms FROM report_durations WHERE bot_id = ? AND day BETWEEN ? AND ?'),
    allDurations: db.prepare<[string, string], DurationRow>('SELECT bot_id, day, kind, ms FROM report_durations WHERE day BETWEEN ? AND ?'),
  };

  /** Adds the tallies; call it inside the transaction that stores what they count. */
  function add(...tallies: Tally[]): void {
    for (const { botId, day, counts, waitMs = [], firstResponseMs = [] } of tallies) {
      for (const [counter, n] of Object.entries(counts)) sql.count.run(botId, day, counter, n);
      for (const ms of waitMs) sql.duration.run(botId, day, 'wait', Math.round(ms));
      for (const ms of firstResponseMs) sql.duration.run(botId, day, 'first-response', Math.round(ms));
    }
  }

  const store: ReportStore = {
    async reportDays(query) {
      const { bots, from, to } = reportQuery(query);
      const counts = bots === 'all' ? sql.allCounts.all(from, to) : [...new Set(bots)].flatMap((bot) => sql.botCounts.all(bot, from, to));
      const durations = bots === 'all' ? sql.allDurations.all(from, to) : [...new Set(bots)].flatMap((bot) => sql.botDurations.all(bot, from, to));
      const days = new Map<string, ReportDay>();
      const entry = (botId: string, day: string): ReportDay => {
        const key = `${botId}|${day}`;
        let found = days.get(key);
        if (!found) days.set(key, (found = { botId, day, counts: {}, waitMs: [], firstResponseMs: [] }));
        return found;
      };
      for (const row of counts) entry(row.bot_id, row.day).counts[row.counter] = row.n;
      for (const row of durations) {
        const day = entry(row.bot_id, row.day);
        (row.kind === 'wait' ? day.waitMs : day.firstResponseMs).push(row.ms);
      }
      return [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.botId.localeCompare(b.botId));
    },
  };

  return { add, store };
}
