// The handover lists an operator sees: waiting (oldest first, the longest wait on top), theirs,
// and, for those who reassign, the ones others hold. A list fetch and every `handover` event of a
// queue channel go through one function that files a handover where its state and assignee put
// it, so a take by someone else, a resolve or an abandon moves or removes it wherever it was.
import { HANDOVER_STATES, type HandoverView } from '../../../common/handover-wire.ts';

export interface Queue {
  waiting: readonly HandoverView[];
  mine: readonly HandoverView[];
  others: readonly HandoverView[];
}

export const EMPTY_QUEUE: Queue = { waiting: [], mine: [], others: [] };

const byStart = (a: HandoverView, b: HandoverView): number => a.startedAt.localeCompare(b.startedAt);

/** Minimal shape check for channel data: what the lists read must be there. */
export function isHandoverView(value: unknown): value is HandoverView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const assignee = v.assignee as Record<string, unknown> | null | undefined;
  return (
    typeof v.id === 'string' &&
    typeof v.conversationId === 'string' &&
    typeof v.botId === 'string' &&
    typeof v.startedAt === 'string' &&
    (HANDOVER_STATES as readonly unknown[]).includes(v.state) &&
    (assignee === null || (typeof assignee === 'object' && typeof assignee?.id === 'string' && typeof assignee.displayName === 'string'))
  );
}

/** `queue` with `view` filed where it now belongs (or nowhere: resolved, abandoned, or not watched). */
export function file(queue: Queue, view: HandoverView, me: string, watchOthers: boolean): Queue {
  const without = (list: readonly HandoverView[]) => list.filter((h) => h.id !== view.id);
  const next = { waiting: without(queue.waiting), mine: without(queue.mine), others: without(queue.others) };
  const place: keyof Queue | null =
    view.state === 'waiting' ? 'waiting' : view.state !== 'assigned' ? null : view.assignee?.id === me ? 'mine' : watchOthers ? 'others' : null;
  if (place) next[place] = [...next[place], view].sort(byStart);
  return next;
}

/** Every handover of `views` filed into `queue`. */
export const fileAll = (queue: Queue, views: readonly HandoverView[], me: string, watchOthers: boolean): Queue =>
  views.reduce((q, v) => file(q, v, me, watchOthers), queue);
