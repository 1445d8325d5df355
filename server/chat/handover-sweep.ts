// The handover sweep, every HANDOVER_SWEEP_INTERVAL under the store lease `handovers` (one
// instance at a time, like the retention sweep): abandons what abandon-rule.ts says is abandoned
// (waited past the bot's limit, or the visitor gone), then, with HANDOVER_AUTO_ASSIGN, hands what
// still waits to the operators online in turn. Times come from the deps' clock, so a test moves
// the clock instead of waiting.
import type { BotProfile } from '../bot/engine.ts';
import { abandonReason } from './abandon-rule.ts';
import { closeHandover } from './handover-lifecycle.ts';
import { autoAssign } from './auto-assign.ts';
import type { ChatDeps } from './deps.ts';
import { startPeriodicJob, type PeriodicJob } from '../periodic-job.ts';

/** Handovers looked at per bot and sweep; more wait for the next sweep. */
const BATCH = 200;

export type HandoverSweeper = PeriodicJob<void>;

async function sweepBot(deps: ChatDeps, profile: BotProfile): Promise<void> {
  const { store } = deps;
  const now = deps.clock();
  const limits = { waitLimitMs: profile.handover!.waitLimitMs, visitorGoneAfterMs: deps.config.handover.visitorGoneAfterMs };
  // Nothing that started later can be past either limit: it opened with a message.
  const startedBefore = new Date(now.getTime() - Math.min(limits.waitLimitMs, limits.visitorGoneAfterMs));
  const waiting = await store.waitingHandoversStartedBefore(profile.id, startedBefore, BATCH);
  const assigned = await store.listHandovers({ bots: [profile.id], states: ['assigned'], limit: BATCH });
  for (const handover of [...waiting, ...assigned]) {
    const conversation = await store.getConversation(handover.conversationId);
    const reason = conversation && abandonReason(handover, conversation.lastActivityAt, limits, now);
    // Lost to an operator acting at the same moment (null): theirs stands, the next sweep looks again.
    if (reason) await closeHandover(deps, handover, { state: 'abandoned', reason });
  }
  if (deps.config.handover.autoAssign) {
    const stillWaiting = await store.listHandovers({ bots: [profile.id], states: ['waiting'], limit: BATCH });
    await autoAssign(deps, profile.id, stillWaiting.reverse());
  }
}

export function startHandoverSweeper(deps: ChatDeps, opts: { intervalMs: number; lease: () => Promise<boolean> }): HandoverSweeper {
  const log = deps.logger.child({ part: 'handovers' });
  const sweepAll = async (): Promise<void> => {
    if (!(await opts.lease())) return;
    for (const profile of deps.engine.profiles().filter((p) => p.handover)) {
      // One bot's failure must not stop the others' wait limits.
      await sweepBot(deps, profile).catch((err: unknown) => log.error({ err, botId: profile.id }, 'handover sweep failed'));
    }
  };
  return startPeriodicJob(sweepAll, opts.intervalMs, (err) => log.error({ err }, 'handover sweep failed'));
}
