// When an open handover is given up (state `abandoned`), decided on plain values so the sweep's
// clock can be anyone's:
// - waited past the bot's limit: still `waiting` once the bot's `waitLimitMs` has passed since it
//   started. No one took it in time; the visitor is told so in the bot's words.
// - visitor gone: the conversation has been quiet (no message from anyone, HANDOVER_VISITOR_GONE_AFTER,
//   default 30 minutes) while the handover is open, waiting or assigned. Parley cannot see a tab
//   close (no presence channels, and a relay such as Pusher does not tell), so silence is the
//   sign; an assigned handover whose visitor left would otherwise keep the bot silent for good.
// A message the visitor left while no one was there (source `message`) is neither: it waits in
// the queue, however long, for the next operator.
import type { Handover } from '../store/handover-store.ts';

export type AbandonReason = 'wait-limit' | 'visitor-gone';

export interface AbandonLimits {
  waitLimitMs: number;
  visitorGoneAfterMs: number;
}

export function abandonReason(
  handover: Pick<Handover, 'state' | 'source' | 'startedAt'>,
  lastActivityAt: Date,
  limits: AbandonLimits,
  now: Date,
): AbandonReason | null {
  const open = handover.state === 'waiting' || handover.state === 'assigned';
  if (!open || handover.source === 'message') return null;
  if (handover.state === 'waiting' && now.getTime() - handover.startedAt.getTime() >= limits.waitLimitMs) return 'wait-limit';
  if (now.getTime() - lastActivityAt.getTime() >= limits.visitorGoneAfterMs) return 'visitor-gone';
  return null;
}
