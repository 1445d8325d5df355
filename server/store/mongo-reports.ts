// The report side of the MongoDB adapter (ReportStore, report-store.ts), with single-document
// writes only. Each opened store has a tally writer: it sums the tallies of the events it stores
// and, a second after the first of them (or when asked to read), inserts what it has summed as
// chunks, one per bot and day, under ids of their own (ReportChunkDoc). A chunk is never updated,
// so writers never race on a document (FerretDB runs an update as a read and a write: measured, 30
// concurrent `$inc`s of one document from three stores left it at 10), and a retried insert of the
// same id is a duplicate, not a second count. The store's sweep folds a bot's chunks into one
// document per month (under a lease, one folder at a time), so a year's report reads a dozen
// month documents and the few chunks since the last sweep, whatever the number of conversations.
//
// Folding is safe to cut short anywhere: it writes the month with the ids it took in (`folded`),
// then deletes those chunks; a reader, and the next fold, skip chunks the month already holds.
// Known limit: a process that dies loses the tallies of its last second, not yet written.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { addTally, type Tally } from '../reports/tally.ts';
import type { Models, ReportChunkDoc, ReportMonthDoc } from './mongo-models.ts';
import type { ReportDay, ReportStore } from './report-store.ts';
import { reportQuery } from './report-arguments.ts';
import { byBotAndDay, dayFromJson, dayFromValue, dayJson, emptyDay } from './report-days.ts';
import { isDuplicateKey } from './mongo.ts';
import { lease, release } from './mongo-leases.ts';

const { trusted } = mongoose;

/** How long tallies are summed before they are written: a busy store writes a chunk a second per bot and day. */
const WRITE_AFTER_MS = 1000;
/** A fold holds its lease this long at most; folding a minute's chunks takes milliseconds. */
const FOLD_LEASE_MS = 60_000;

export interface TallyWriter {
  /** This writer's id: its fold lease's owner. */
  readonly id: string;
  /** Queues the tallies of a write that has succeeded; they are written within a second. */
  add(...tallies: Tally[]): void;
  /** Writes what is queued now; resolves once it is written (or its write failed: then it is tried again a second later). */
  flushed(): Promise<void>;
  /** Writes what is queued, and stops. */
  close(): Promise<void>;
}

/** 128 random bits: a chunk's or a writer's id, never the same twice. */
const newId = (): string => randomBytes(16).toString('base64url');

const writers = new WeakMap<Models, TallyWriter>();

/** The tally writer of the store whose models these are (each opened store has its own models). */
export function tallies(models: Models): TallyWriter {
  let writer = writers.get(models);
  if (!writer) writers.set(models, (writer = tallyWriter(models)));
  return writer;
}

interface Chunk {
  id: string;
  day: ReportDay;
}

function tallyWriter(models: Models): TallyWriter {
  const id = newId();
  let queued = new Map<string, ReportDay>();
  /** Chunks whose insert failed: tried again under the same id, so one that did land is not counted twice. */
  let unsure: Chunk[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let closed = false;

  function queue(tally: Tally): void {
    const key = `${tally.botId}|${tally.day}`;
    let sum = queued.get(key);
    if (!sum) queued.set(key, (sum = emptyDay(tally.botId, tally.day)));
    addTally(sum, tally);
  }

  async function insert({ id: _id, day }: Chunk): Promise<boolean> {
    try {
      await models.reportChunks.create({ _id, botId: day.botId, day: day.day, tally: dayJson(day) });
      return true;
    } catch (err) {
      return isDuplicateKey(err); // written by an earlier try whose answer was lost
    }
  }

  async function write(): Promise<void> {
    const round = [...unsure, ...[...queued.values()].map((day) => ({ id: newId(), day }))];
    queued = new Map();
    const written = await Promise.all(round.map(insert));
    unsure = round.filter((_, i) => !written[i]);
  }

  function later(): void {
    if (!timer && !closed) timer = setTimeout(() => ((timer = undefined), start()), WRITE_AFTER_MS).unref();
  }

  /** Starts a write unless one is under way; what comes meanwhile waits for the next. */
  function start(): Promise<void> {
    running ??= write().finally(() => {
      running = null;
      if (queued.size > 0 || unsure.length > 0) later();
    });
    return running;
  }

  async function flushed(): Promise<void> {
    while (running) await running;
    if (queued.size === 0 && unsure.length === 0) return;
    clearTimeout(timer);
    timer = undefined;
    await start();
  }

  return {
    id,
    add(...list) {
      list.forEach(queue);
      later();
    },
    flushed,
    async close() {
      await flushed();
      closed = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

const monthOf = (day: string) => day.slice(0, 7);

/** Every `YYYY-MM` from the month of `from` to that of `to`. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  const at = new Date(`${monthOf(from)}-01T00:00:00Z`);
  while (at.toISOString().slice(0, 7) <= monthOf(to)) {
    months.push(at.toISOString().slice(0, 7));
    at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return months;
}

/** The days a month document holds. */
function daysOf(doc: ReportMonthDoc): ReportDay[] {
  const days = JSON.parse(doc.days) as Record<string, unknown>;
  return Object.entries(days).map(([day, value]) => dayFromValue(doc.botId, day, value));
}

/**
 * Folds the bot's chunks into its month documents, then deletes them (the sweep calls this). One
 * folder at a time per bot (a lease in the store); a fold cut short is finished by the next.
 */
export async function foldReportChunks(models: Models, botId: string): Promise<void> {
  const owner = tallies(models).id;
  const name = `reports:${botId}`;
  const now = Date.now();
  if (!(await lease(models, name, owner, now, now + FOLD_LEASE_MS))) return;
  try {
    const chunks = await models.reportChunks.find({ botId }).lean<ReportChunkDoc[]>();
    const byMonth = new Map<string, ReportChunkDoc[]>();
    for (const chunk of chunks) byMonth.set(monthOf(chunk.day), [...(byMonth.get(monthOf(chunk.day)) ?? []), chunk]);
    for (const [month, list] of byMonth) {
      const _id = `${botId}|${month}`;
      const doc = await models.reportMonths.findOne({ _id }).lean<ReportMonthDoc>();
      const holds = new Set(doc?.folded ?? []);
      const leftOver = list.filter((chunk) => holds.has(chunk._id));
      if (leftOver.length > 0) await models.reportChunks.deleteMany({ _id: trusted({ $in: leftOver.map((c) => c._id) }) });
      const fresh = list.filter((chunk) => !holds.has(chunk._id));
      if (fresh.length === 0) continue;
      const days = byBotAndDay([...(doc ? daysOf(doc) : []), ...fresh.map((chunk) => dayFromJson(botId, chunk.day, chunk.tally))]);
      const json = JSON.stringify(Object.fromEntries(days.map((day) => [day.day, JSON.parse(dayJson(day))])));
      await models.reportMonths.replaceOne({ _id }, { botId, month, days: json, folded: fresh.map((c) => c._id) }, { upsert: true });
      await models.reportChunks.deleteMany({ _id: trusted({ $in: fresh.map((c) => c._id) }) });
    }
  } finally {
    await release(models, name, owner);
  }
}

export function mongoReportStore(models: Models): ReportStore {
  return {
    async reportDays(query) {
      const { bots, from, to } = reportQuery(query);
      if (bots.length === 0) return [];
      // What this store has counted so far is read too, as on SQLite.
      await tallies(models).flushed();
      // Chunks before months: a fold in between has put the chunks it deleted into its month, and
      // the month names them, so they are counted once whichever way it fell.
      const chunks = await models.reportChunks.find({ botId: trusted({ $in: bots }), day: trusted({ $gte: from, $lte: to }) }).lean<ReportChunkDoc[]>();
      const ids = bots.flatMap((bot) => monthsBetween(from, to).map((month) => `${bot}|${month}`));
      const months = (await Promise.all(ids.map((_id) => models.reportMonths.findOne({ _id }).lean<ReportMonthDoc>()))).filter((doc) => doc !== null);
      const folded = new Set(months.flatMap((doc) => doc.folded));
      return byBotAndDay([
        ...months.flatMap(daysOf).filter((day) => day.day >= from && day.day <= to),
        ...chunks.filter((chunk) => !folded.has(chunk._id)).map((chunk) => dayFromJson(chunk.botId, chunk.day, chunk.tally)),
      ]);
    },
  };
}
