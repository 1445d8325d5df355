// The report side of the MongoDB adapter (ReportStore, report-store.ts). Without transactions, a
// tally is added after the write it counts has succeeded, by the store's tally writer: one per
// opened store, with documents of its own (`<bot>|<day>|<writer>`, see ReportDayDoc), updated one
// write at a time per document. FerretDB runs `$inc` as a read and then a write, so two writers
// incrementing one document at once lose counts there (measured: 20 concurrent increments of one
// document left it at 2 or 3); a document only ever written by one writer, one write after another,
// cannot. Tallies that arrive while a write is under way are summed and go in the next write, so
// a busy store makes few writes. A reader sums the writers' documents.
//
// Known limits: a process that dies loses the tallies not yet written (those of its last few
// milliseconds), and a write that fails is tried again a second later, unless the process ends first.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { addTally, type Tally } from '../reports/tally.ts';
import type { Models, ReportDayDoc } from './mongo-models.ts';
import type { ReportDay, ReportStore } from './report-store.ts';
import { reportQuery } from './report-arguments.ts';

const { trusted } = mongoose;

const RETRY_MS = 1000;

export interface TallyWriter {
  /** Queues the tallies of a write that has succeeded; they are written soon after. */
  add(...tallies: Tally[]): void;
  /** Resolves once everything queued before the call has been written (or its write has failed). */
  flushed(): Promise<void>;
  /** Writes what is queued, and stops retrying. */
  close(): Promise<void>;
}

type Pending = ReportDay;

const writers = new WeakMap<Models, TallyWriter>();

/** The tally writer of the store whose models these are (each opened store has its own models). */
export function tallies(models: Models): TallyWriter {
  let writer = writers.get(models);
  if (!writer) writers.set(models, (writer = tallyWriter(models)));
  return writer;
}

function tallyWriter(models: Models): TallyWriter {
  const writer = randomBytes(9).toString('base64url');
  let queued = new Map<string, Pending>();
  let running: Promise<void> | null = null;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  function queue(tally: Pending | Tally): void {
    const key = `${tally.botId}|${tally.day}`;
    let into = queued.get(key);
    if (!into) queued.set(key, (into = { botId: tally.botId, day: tally.day, counts: {}, waitMs: [], firstResponseMs: [] }));
    addTally(into, tally);
  }

  async function write(p: Pending): Promise<void> {
    const inc = Object.fromEntries(Object.entries(p.counts).map(([counter, n]) => [`counts.${counter}`, n]));
    const push = {
      ...(p.waitMs.length > 0 ? { waitMs: { $each: p.waitMs } } : {}),
      ...(p.firstResponseMs.length > 0 ? { firstResponseMs: { $each: p.firstResponseMs } } : {}),
    };
    await models.reportDays.updateOne(
      { _id: `${p.botId}|${p.day}|${writer}` },
      {
        $setOnInsert: { botId: p.botId, day: p.day, writer },
        ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}),
        ...(Object.keys(push).length > 0 ? { $push: push } : {}),
      },
      { upsert: true },
    );
  }

  /** Writes the queue until it is empty; each document once per round, so never two writes of one at a time. */
  async function drain(): Promise<void> {
    while (queued.size > 0) {
      const round = [...queued.values()];
      queued = new Map();
      const results = await Promise.allSettled(round.map(write));
      const failed = round.filter((_, i) => results[i]!.status === 'rejected');
      if (failed.length > 0) {
        failed.forEach(queue); // back in the queue, summed with what came meanwhile
        if (!closed) retry ??= setTimeout(() => ((retry = undefined), kick()), RETRY_MS).unref();
        return;
      }
    }
  }

  function kick(): void {
    running ??= drain().finally(() => (running = null));
  }

  async function flushed(): Promise<void> {
    while (running) await running;
  }

  return {
    add(...tallies) {
      tallies.forEach(queue);
      if (!retry) kick();
    },
    flushed,
    async close() {
      closed = true;
      clearTimeout(retry);
      retry = undefined;
      await flushed();
      if (queued.size > 0) {
        kick();
        await flushed();
      }
    },
  };
}

/** `{messages: {visitor: 2}}` → `{'messages.visitor': 2}`. */
function flatten(nested: Record<string, unknown>, prefix = '', into: Record<string, number> = {}): Record<string, number> {
  for (const [key, value] of Object.entries(nested)) {
    if (typeof value === 'number') into[prefix + key] = (into[prefix + key] ?? 0) + value;
    else if (value !== null && typeof value === 'object') flatten(value as Record<string, unknown>, `${prefix}${key}.`, into);
  }
  return into;
}

export function mongoReportStore(models: Models): ReportStore {
  return {
    async reportDays(query) {
      const { bots, from, to } = reportQuery(query);
      // Read what this store has counted so far, as SQLite does within its transactions.
      await tallies(models).flushed();
      const filter = { ...(bots === 'all' ? {} : { botId: trusted({ $in: bots }) }), day: trusted({ $gte: from, $lte: to }) };
      const docs = await models.reportDays.find(filter).lean<ReportDayDoc[]>();
      const days = new Map<string, ReportDay>();
      for (const doc of docs) {
        const key = `${doc.botId}|${doc.day}`;
        let day = days.get(key);
        if (!day) days.set(key, (day = { botId: doc.botId, day: doc.day, counts: {}, waitMs: [], firstResponseMs: [] }));
        addTally(day, { botId: doc.botId, day: doc.day, counts: flatten(doc.counts ?? {}), waitMs: doc.waitMs ?? [], firstResponseMs: doc.firstResponseMs ?? [] });
      }
      return [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.botId.localeCompare(b.botId));
    },
  };
}
