// Runs the pending turns of the store (the outbox), one at a time per conversation across every
// instance: a conversation's turns run only under its lease in the store, so the dialog state a
// turn reads is the one the previous turn wrote, whichever instance ran it. The request that
// stored a message kicks its conversation at once; a periodic scan (and one at start) picks up
// whatever a crashed or busy instance left behind.
import { instanceId } from '../instance.ts';
import { runTurn } from './turns.ts';
import type { ChatDeps } from './deps.ts';

export interface TurnWorkerOptions {
  /** How long a lease holds without renewal; an instance that died frees its conversations after this. */
  leaseMs: number;
  /** How often to look for turns nobody is running. */
  scanIntervalMs: number;
  /** Conversations picked up per scan. */
  scanBatch?: number;
}

export interface TurnWorker {
  /** The conversation has a new pending turn: run it, and any after it, now. */
  kick(conversationId: string): void;
  /** Kicks every conversation with a pending turn (at start, then on the timer). */
  scan(): Promise<void>;
  start(): void;
  /** Takes no new turns, lets running ones finish and gives their leases back. */
  drain(): Promise<void>;
}

export function createTurnWorker(deps: ChatDeps, opts: TurnWorkerOptions): TurnWorker {
  const { store, logger } = deps;
  const log = logger.child({ part: 'turns' });
  // Per conversation being drained here: `again` is set by a kick that arrives while we drain,
  // so a turn stored just after our last look is not left for the scan.
  const active = new Map<string, { again: boolean; done: Promise<void> }>();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;

  /** Takes or renews the conversation's lease; resolves to when it ends, or null when another instance holds it. */
  const lease = async (conversationId: string): Promise<number | null> => {
    const now = Date.now();
    const until = now + opts.leaseMs;
    return (await store.lease(`turns:${conversationId}`, instanceId, now, until)) ? until : null;
  };

  async function runWhileLeased(conversationId: string): Promise<'done' | 'not ours'> {
    let heldUntil = await lease(conversationId);
    if (heldUntil === null) return 'not ours'; // another instance runs it; its loop sees our turn
    try {
      while (!stopping) {
        const pending = await store.nextTurn(conversationId);
        if (!pending) return 'done';
        await runTurn(deps, pending);
        // Renewed only once half of it is gone: a lease write per turn would cost a synced store
        // write per answer. Lost only if we stalled past the lease.
        if (heldUntil - Date.now() < opts.leaseMs / 2 && (heldUntil = await lease(conversationId)) === null) return 'not ours';
      }
      return 'done';
    } finally {
      await store.release(`turns:${conversationId}`, instanceId).catch((err: unknown) => log.warn({ err }, 'lease release failed'));
    }
  }

  async function drainConversation(conversationId: string): Promise<void> {
    // A kick on another instance that found our lease gave up, counting on us to see its turn; if
    // it came after our last look, only a look after letting go finds it (before, it was stranded
    // until a scan).
    while ((await runWhileLeased(conversationId)) === 'done' && !stopping) {
      if (!(await store.nextTurn(conversationId))) return;
    }
  }

  function kick(conversationId: string): void {
    if (stopping) return;
    const running = active.get(conversationId);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: true, done: Promise.resolve() };
    entry.done = (async () => {
      while (entry.again && !stopping) {
        entry.again = false;
        try {
          await drainConversation(conversationId);
        } catch (err) {
          // Left pending: the next scan tries again.
          log.error({ err, conversation: conversationId }, 'bot turn failed');
          return;
        }
      }
    })().finally(() => active.delete(conversationId));
    active.set(conversationId, entry);
  }

  async function scanOnce(): Promise<void> {
    try {
      for (const id of await store.conversationsWithPendingTurns(opts.scanBatch ?? 100)) kick(id);
    } catch (err) {
      log.warn({ err }, 'scan for pending turns failed');
    }
  }

  return {
    kick,
    scan() {
      scanning ??= scanOnce().finally(() => (scanning = undefined));
      return scanning;
    },
    start() {
      timer = setInterval(() => void this.scan(), opts.scanIntervalMs);
      timer.unref();
      void this.scan();
    },
    async drain() {
      stopping = true;
      clearInterval(timer);
      await scanning;
      await Promise.all([...active.values()].map((entry) => entry.done));
    },
  };
}
