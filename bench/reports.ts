// Reports benchmark (issue 15): a year of 100,000 generated conversations of one bot (and 10,000
// each of two others), stored as the day tallies they leave (bench/report-year.ts, through the
// adapters' own tally writers), then the bot's report over the whole year, timed: the store's read
// (`reportDays`), building the report, and what the route adds (the JSON, or the daily CSV). On
// SQLite (a temp file) and on FerretDB (started here; MONGODB_URI for a real MongoDB instead). On
// MongoDB the tallies are written as a deployment writes them: two instances, each restarted
// weekly, each writing its chunks, and the sweep folding them into months after every week (a
// deployment sweeps every minute; the last week is left unfolded, more than a deployment ever
// has). Reports read only tallies, so the messages behind them are not stored here: they would
// change nothing the report reads. Prints its figures; the target is a year under 500 ms.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { defaultArchiveFile, openDatabase, openSqliteStore } from '../server/store/sqlite.ts';
import { sqliteReports } from '../server/store/sqlite-reports.ts';
import { openMongoStore } from '../server/store/mongo.ts';
import { defineModels } from '../server/store/mongo-models.ts';
import { foldReportChunks, tallies as tallyWriter } from '../server/store/mongo-reports.ts';
import type { Store } from '../server/store/store.ts';
import type { Tally } from '../server/reports/tally.ts';
import { buildReport } from '../server/reports/build-report.ts';
import { reportCsv } from '../server/reports/csv.ts';
import { startFerretDb } from '../test/helpers/ferretdb.ts';
import { yearOfConversations, type GeneratedConversation } from './report-year.ts';
import { percentile } from './stats.ts';

const YEAR_START = new Date('2029-01-01T00:00:00Z');
const FROM = '2029-01-01';
const TO = '2029-12-31';
const BOTS: Array<[string, number]> = [
  ['demo', 100_000],
  ['shop', 10_000],
  ['help', 10_000],
];
const RUNS = 20;
const TARGET_MS = 500;
const WEEK_MS = 7 * 86_400_000;
const INSTANCES = 2;

function* everything(): Generator<GeneratedConversation & { index: number }> {
  let index = 0;
  for (const [i, [bot, count]] of BOTS.entries()) {
    for (const conversation of yearOfConversations(bot, count, YEAR_START, 15 + i)) yield { ...conversation, index: index++ };
  }
}

interface Written {
  conversations: number;
  tallies: number;
  ms: number;
}

/** SQLite: every event's tally added as the store adds it, a few thousand events per transaction. */
function writeSqlite(file: string): Written {
  const db = openDatabase(file, defaultArchiveFile(file));
  const { add } = sqliteReports(db);
  const inOneTransaction = db.transaction((batch: Tally[]) => add(...batch));
  const start = performance.now();
  let conversations = 0;
  let count = 0;
  let batch: Tally[] = [];
  for (const { tallies } of everything()) {
    conversations++;
    count += tallies.length;
    batch.push(...tallies);
    if (batch.length >= 5000) {
      inOneTransaction(batch);
      batch = [];
    }
  }
  inOneTransaction(batch);
  const ms = performance.now() - start;
  db.close();
  return { conversations, tallies: count, ms };
}

/**
 * MongoDB: each instance's week is one writer (one opened store), the way a deployment of two
 * instances restarted weekly leaves them: a conversation goes to one instance, its week to one
 * lifetime of it. After each week the sweep folds the chunks into months, but for the last week.
 */
async function writeMongo(uri: string): Promise<Written & { writers: number }> {
  const weeks = new Map<number, Map<number, Tally[]>>();
  let conversations = 0;
  let count = 0;
  for (const { startMs, tallies, index } of everything()) {
    conversations++;
    count += tallies.length;
    const week = Math.floor((startMs - YEAR_START.getTime()) / WEEK_MS);
    const instances = weeks.get(week) ?? weeks.set(week, new Map()).get(week)!;
    const list = instances.get(index % INSTANCES) ?? instances.set(index % INSTANCES, []).get(index % INSTANCES)!;
    list.push(...tallies);
  }
  const start = performance.now();
  let writers = 0;
  const last = Math.max(...weeks.keys());
  for (const [week, instances] of [...weeks].sort(([a], [b]) => a - b)) {
    for (const tallies of instances.values()) {
      const conn = await mongoose.createConnection(uri).asPromise();
      const writer = tallyWriter(defineModels(conn));
      writer.add(...tallies);
      await writer.close();
      await conn.close();
      writers++;
    }
    if (week === last) continue;
    const conn = await mongoose.createConnection(uri).asPromise();
    const models = defineModels(conn);
    for (const [bot] of BOTS) await foldReportChunks(models, bot);
    await tallyWriter(models).close();
    await conn.close();
  }
  return { conversations, tallies: count, ms: performance.now() - start, writers };
}

async function time(store: Store, bots: string[], from = FROM, to = TO) {
  const read: number[] = [];
  const total: number[] = [];
  let first = 0;
  let sample = '';
  for (let run = 0; run <= RUNS; run++) {
    const start = performance.now();
    const days = await store.reportDays({ bots, from, to });
    const readMs = performance.now() - start;
    const report = buildReport({ bots, from, to }, days);
    sample = JSON.stringify(report);
    reportCsv(report, 'daily');
    const ms = performance.now() - start;
    if (run === 0) first = ms;
    else {
      read.push(readMs);
      total.push(ms);
    }
  }
  return { first, readP50: percentile(read, 50), p50: percentile(total, 50), max: Math.max(...total), bytes: sample.length, report: JSON.parse(sample) as ReturnType<typeof buildReport> };
}

async function measure(name: string, store: Store): Promise<boolean> {
  const year = await time(store, ['demo']);
  const all = await time(store, BOTS.map(([bot]) => bot));
  const month = await time(store, ['demo'], '2029-06-01', '2029-06-30');
  const r = year.report;
  console.log(
    `  demo's year: ${r.totals.conversations.toLocaleString('en')} conversations, ${Object.values(r.totals.messages).reduce((a, b) => a + b, 0).toLocaleString('en')} messages, ` +
      `${r.handovers.opened.toLocaleString('en')} handovers (wait p50 ${((r.handovers.waiting.p50Ms ?? 0) / 1000).toFixed(0)} s, p90 ${((r.handovers.waiting.p90Ms ?? 0) / 1000).toFixed(0)} s), ` +
      `${r.handovers.ratings.count.toLocaleString('en')} ratings; report ${(year.bytes / 1024).toFixed(0)} KB of JSON`,
  );
  const row = (label: string, t: Awaited<ReturnType<typeof time>>) =>
    console.log(`  ${label.padEnd(26)} first ${t.first.toFixed(1).padStart(7)} ms   p50 ${t.p50.toFixed(1).padStart(7)} ms (store read ${t.readP50.toFixed(1)} ms)   max ${t.max.toFixed(1).padStart(7)} ms   of ${RUNS}`);
  row(`${name}: demo, a year`, year);
  row(`${name}: all 3 bots, a year`, all);
  row(`${name}: demo, a month`, month);
  // The target is the issue's: a year of 100,000 conversations (the one bot), judged by the first
  // (cold) run and the median. The slowest run is printed too; it says more about what else the
  // machine is doing than about the report.
  const ok = Math.max(year.first, year.p50) < TARGET_MS;
  console.log(`  ${ok ? 'within' : 'OVER'} the ${TARGET_MS} ms target for a year of 100,000 conversations (first run and median)`);
  return ok;
}

async function sqlite(): Promise<boolean> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-reports-'));
  try {
    const file = path.join(dir, 'parley.db');
    const written = writeSqlite(file);
    console.log(
      `SQLite: ${written.conversations.toLocaleString('en')} conversations → ${written.tallies.toLocaleString('en')} tallies in ${(written.ms / 1000).toFixed(1)} s ` +
        `(${Math.round(written.tallies / (written.ms / 1000)).toLocaleString('en')}/s), file ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB`,
    );
    const store = await openSqliteStore(file);
    try {
      return await measure('SQLite', store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mongo(): Promise<boolean> {
  const ferret = process.env.MONGODB_URI ? undefined : await startFerretDb();
  const uri = process.env.MONGODB_URI ?? `${ferret!.uri}bench_reports`;
  const label = ferret ? 'FerretDB' : 'MongoDB';
  try {
    const written = await writeMongo(uri);
    console.log(
      `${label}: ${written.conversations.toLocaleString('en')} conversations → ${written.tallies.toLocaleString('en')} tallies by ${written.writers} writers (two instances, weekly restarts), folded weekly, in ${(written.ms / 1000).toFixed(1)} s`,
    );
    const store = await openMongoStore(uri);
    try {
      const conn = await mongoose.createConnection(uri).asPromise();
      const months = await conn.db!.collection('report_months').countDocuments();
      const chunks = await conn.db!.collection('report_chunks').countDocuments();
      console.log(`  ${months} month documents, ${chunks} chunks not yet folded`);
      await conn.close();
      return await measure(label, store);
    } finally {
      await store.close();
    }
  } finally {
    if (ferret) await ferret.stop();
    else {
      const conn = await mongoose.createConnection(uri).asPromise();
      await conn.dropDatabase();
      await conn.close();
    }
  }
}

console.log(`load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${cpus().length} cores`);
const ok = [await sqlite(), await mongo()].every(Boolean);
process.exit(ok ? 0 : 1);
