// Leases on MongoDB (Store.lease / release), and running a piece of work while holding one
// (withLease: the console's last-administrator check, mongo-console.ts). Built from inserts only.
// FerretDB (what the tests run on) does a conditional update as a read and a write, so "update it
// if it has passed" can crown several owners at once; an insert of the next generation under a
// unique `_id` (`<name>#<gen>`) cannot.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import type { LeaseDoc, Models } from './mongo-models.ts';
import { isDuplicateKey } from './mongo.ts';

const { trusted } = mongoose;

/** The newest generation of a lease, or null when it was never taken. */
const current = (models: Models, name: string) => models.leases.findOne({ name }).sort({ gen: -1 }).lean<LeaseDoc>();

/**
 * Inserts generation `gen`; false when someone else inserted it first, or when a later generation
 * exists: the caller read the generations long enough ago that `gen` came and was cleared away
 * since (the insert then meets no document). Only generations below the newest are ever deleted,
 * so the newest only grows, and a taker that still finds its own on top holds the lease. Exported
 * for its test.
 */
export async function take(models: Models, name: string, gen: number, owner: string, until: number): Promise<boolean> {
  const _id = `${name}#${gen}`;
  try {
    await models.leases.create({ _id, name, gen, owner, until });
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
  if ((await current(models, name))?.gen !== gen) {
    await models.leases.deleteOne({ _id, owner });
    return false;
  }
  await models.leases.deleteMany({ name, gen: trusted({ $lt: gen }) }); // the generations before are history
  return true;
}

/**
 * The holder renews only while its generation has not passed, and a contender takes over only
 * once it has, so the two never overlap (given clocks that agree to within a lease).
 */
export async function lease(models: Models, name: string, owner: string, nowMs: number, untilMs: number): Promise<boolean> {
  const held = await current(models, name);
  if (!held) return take(models, name, 1, owner, untilMs);
  if (held.until <= nowMs) return take(models, name, held.gen + 1, owner, untilMs);
  if (held.owner !== owner) return false;
  await models.leases.updateOne({ _id: held._id, owner }, { $set: { until: untilMs } });
  return true;
}

export async function release(models: Models, name: string, owner: string): Promise<void> {
  const held = await current(models, name);
  // Passed at once rather than deleted: the next taker inserts the next generation.
  if (held?.owner === owner) await models.leases.updateOne({ _id: held._id, owner }, { $set: { until: 0 } });
}

/** How long one holder may keep a lease taken by withLease: far longer than the few round trips of its work. */
const HOLD_MS = 10_000;
/** How long withLease waits for it: longer than HOLD_MS, so a holder that died does not make a waiter fail. */
const WAIT_MS = 15_000;

/**
 * Runs `work` while holding lease `name`, asking again after a short, growing pause while someone
 * else holds it (FerretDB has no change streams to wait on), and gives it back afterwards. `work`
 * runs alone among every withLease(name) of every instance as long as it ends within HOLD_MS: the
 * lease's own assumption, here about a count and a write. A holder that dies holds it up to HOLD_MS.
 */
export async function withLease<T>(models: Models, name: string, work: () => Promise<T>): Promise<T> {
  const owner = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    if (await lease(models, name, owner, now, now + HOLD_MS)) break;
    if (now > deadline) throw new Error(`lease ${name} still held by another after ${WAIT_MS} ms`);
    await sleep(Math.min(2 ** attempt, 50) * (1 + Math.random()));
  }
  try {
    return await work();
  } finally {
    await release(models, name, owner);
  }
}
