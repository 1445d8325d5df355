// The retention sweeper: applies every bot's retention policy on a timer. This is what makes
// "messages expire after N seconds" true on both stores (MongoDB's adapter has no TTL index:
// retention is per bot, a TTL index per collection, and FerretDB has none).
import type { Logger } from 'pino';
import type { BotPolicy } from '../bot/engine.ts';
import type { RetentionPolicy, Store, SweepResult } from '../store/store.ts';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.ts';

/** The store's view of a bot's data-governance settings. */
export function retentionPolicyOf(botId: string, policy: Omit<BotPolicy, 'storeConversations' | 'messagesPerMinute'>): RetentionPolicy {
  return {
    botId,
    ...(policy.messageTtlMs !== undefined ? { messageTtlMs: policy.messageTtlMs } : {}),
    ...(policy.valueTtlMs !== undefined ? { valueTtlMs: policy.valueTtlMs } : {}),
    inactiveAfterMs: policy.inactiveAfterMs,
    archive: policy.archive,
    ...(policy.archiveTtlMs !== undefined ? { archiveTtlMs: policy.archiveTtlMs } : {}),
  };
}

export interface RetentionSweeperOptions {
  store: Pick<Store, 'sweep'>;
  /** Read on every run, so settings changed in the console take effect at the next sweep. */
  policies: () => RetentionPolicy[];
  /** A function is asked before each wait, so the pace can follow the shortest TTL in force. */
  intervalMs: number | (() => number);
  now?: () => Date;
  logger?: Logger;
  /**
   * Taken before each run; false means another instance sweeps now, so this one skips the run.
   * Two sweepers over one store would each archive and delete the same conversations.
   */
  lease?: () => Promise<boolean>;
}

/** runOnce sweeps every policy now, after any sweep under way; stop resolves once that one is done, so its store can be closed. */
export type RetentionSweeper = PeriodicJob<SweepResult[]>;

function hasLimits(policy: RetentionPolicy): boolean {
  return (
    policy.messageTtlMs !== undefined ||
    policy.valueTtlMs !== undefined ||
    policy.inactiveAfterMs !== undefined ||
    policy.archiveTtlMs !== undefined
  );
}

function removedAnything(result: SweepResult): boolean {
  return Object.values(result).some((count) => count > 0);
}

export function startRetentionSweeper(opts: RetentionSweeperOptions): RetentionSweeper {
  if (typeof opts.intervalMs === 'number' && (!Number.isFinite(opts.intervalMs) || opts.intervalMs < 1)) {
    throw new RangeError(`retention intervalMs must be a positive number, got ${String(opts.intervalMs)}`);
  }
  const now = opts.now ?? (() => new Date());

  const sweepAll = async (): Promise<SweepResult[]> => {
    if (opts.lease && !(await opts.lease())) return [];
    const at = now();
    let policies: RetentionPolicy[];
    try {
      policies = opts.policies().filter(hasLimits);
    } catch (error) {
      opts.logger?.error({ err: error }, 'retention policies unavailable');
      throw error;
    }
    const results: SweepResult[] = [];
    const failures: unknown[] = [];
    // One bot's failure (a locked file, a bad policy) must not spare every other bot's data.
    for (const policy of policies) {
      try {
        const result = await opts.store.sweep(policy, at);
        results.push(result);
        if (removedAnything(result)) opts.logger?.info({ botId: policy.botId, ...result }, 'retention sweep');
      } catch (error) {
        failures.push(error);
        opts.logger?.error({ botId: policy.botId, err: error }, 'retention sweep failed');
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `retention sweep failed for ${failures.length} bot(s)`);
    }
    return results;
  };

  // Failures are logged per bot in sweepAll already.
  return startPeriodicJob(sweepAll, opts.intervalMs, () => undefined);
}
