// Auto-assignment (HANDOVER_AUTO_ASSIGN): waiting handovers go, oldest first, to the operators
// online for their bot in turn (operator-rotation.ts), each up to HANDOVER_OPERATOR_CAPACITY open
// conversations. Runs when a handover opens and on every handover sweep (someone came online, or
// finished a conversation). Two instances assigning the same handover at once get one winner
// (assignHandover's compare-and-set); two assigning different handovers to one operator at once
// may give them one over capacity, which the next resolution evens out.
import type { ConsoleUser } from '../store/console-store.ts';
import type { Handover } from '../store/handover-store.ts';
import { nextOperator, type OperatorLoad } from './operator-rotation.ts';
import { operatorsOnline } from './staffing.ts';
import { assignHandover } from './handover-lifecycle.ts';
import type { ChatDeps } from './deps.ts';

/** How many handovers of an operator's are looked at to find when they last got one. */
const RECENT = 20;

async function loadOf(deps: Pick<ChatDeps, 'store' | 'config'>, operator: ConsoleUser): Promise<OperatorLoad> {
  const [open, recent] = await Promise.all([
    deps.store.listHandovers({ bots: 'all', states: ['assigned'], assigneeId: operator.id, limit: deps.config.handover.operatorCapacity }),
    deps.store.listHandovers({ bots: 'all', assigneeId: operator.id, limit: RECENT }),
  ]);
  const times = recent.map((h) => h.assignedAt?.getTime()).filter((t): t is number => t !== undefined);
  return { id: operator.id, open: open.length, lastAssignedAt: times.length > 0 ? new Date(Math.max(...times)) : null };
}

/** Assigns what it can of `waiting` (one bot's, oldest first); returns how many it assigned. */
export async function autoAssign(deps: ChatDeps, botId: string, waiting: readonly Handover[]): Promise<number> {
  if (!deps.config.handover.autoAssign || waiting.length === 0) return 0;
  const online = await operatorsOnline(deps, botId, deps.clock());
  const loads = await Promise.all(online.map((operator) => loadOf(deps, operator)));
  let assigned = 0;
  for (const handover of waiting) {
    const next = nextOperator(loads, deps.config.handover.operatorCapacity);
    if (next === null) break;
    const load = loads.find((l) => l.id === next)!;
    // Lost to someone else (a take, another instance): that handover is no longer waiting; go on.
    if (await assignHandover(deps, handover, online.find((u) => u.id === next)!)) {
      load.open++;
      load.lastAssignedAt = deps.clock();
      assigned++;
    }
  }
  return assigned;
}
