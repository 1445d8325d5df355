// The handover's transitions after it opened (a turn opens it: turns.ts): assigned to an operator
// (take, reassign, auto-assignment), then closed (resolved, or abandoned by the sweep). Each is one
// compare-and-set in the store (transitionHandover), so of two instances or two operators acting
// at once exactly one wins, and only the winner tells anyone: the visitor gets "<name> joined" /
// "<name> left" (stored, then published, in the bot's words and the conversation's language), the
// console the new state.
import type { ConsoleUser } from '../store/console-store.ts';
import type { Handover } from '../store/handover-store.ts';
import type { WebhookEvent } from '../store/webhook-store.ts';
import type { ResolutionCode } from '../../common/handover-wire.ts';
import { handoverNotice } from '../bot/index.ts';
import type { AbandonReason } from './abandon-rule.ts';
import { firstName } from './handover-view.ts';
import { postToVisitor, publishHandoverChange } from './handover-publish.ts';
import type { ChatDeps } from './deps.ts';

type Announcement = 'joined' | 'left' | 'unanswered';

/**
 * The bot's wording of an announcement, in the conversation's language: the one its latest turn was
 * answered in (each turn records it, silent turns during the handover too), read when the notice is
 * made, so an operator's action needs no visitor token; the bot's default language when none was
 * recorded. Null when the bot has no handover settings (any more), or the conversation is gone. The
 * frame words notices from their structured `notice` in its own language; this text is what
 * history, the console and plain-text readers see.
 */
async function wording(deps: Pick<ChatDeps, 'engine' | 'store'>, handover: Handover, kind: Announcement, name = ''): Promise<string | null> {
  const profile = deps.engine.profile(handover.botId);
  if (!profile?.handover) return null;
  const conversation = await deps.store.getConversation(handover.conversationId);
  if (!conversation) return null;
  return handoverNotice(profile.handover, kind, conversation.locale ?? profile.defaultLocale, profile.defaultLocale, name);
}

async function announceJoined(deps: ChatDeps, handover: Handover, operator: Pick<ConsoleUser, 'displayName'>): Promise<void> {
  const name = firstName(operator.displayName);
  const text = await wording(deps, handover, 'joined', name);
  if (text !== null) await postToVisitor(deps, handover.conversationId, { sender: 'system', text, notice: { kind: 'operator-joined', name } });
}

/** `rate`: the visitor is offered the rating (after a resolution, not when the operator was taken off it). */
async function announceLeft(deps: ChatDeps, handover: Handover, operatorId: string, rate: boolean): Promise<void> {
  const operator = await deps.store.getUser(operatorId);
  if (!operator) return;
  const name = firstName(operator.displayName);
  const text = await wording(deps, handover, 'left', name);
  if (text !== null) await postToVisitor(deps, handover.conversationId, { sender: 'system', text, notice: { kind: 'operator-left', name, rate } });
}

/**
 * Gives the handover (as read, version included) to `operator`: take, reassign, auto-assignment.
 * Null when someone changed it first. On a reassignment the visitor sees the first operator leave
 * and the second join.
 */
export async function assignHandover(deps: ChatDeps, handover: Handover, operator: ConsoleUser): Promise<Handover | null> {
  const assigned = await deps.store.transitionHandover(handover.id, handover.version, { state: 'assigned', assigneeId: operator.id, assignedAt: deps.clock() });
  if (!assigned) return null;
  if (handover.assigneeId && handover.assigneeId !== operator.id) await announceLeft(deps, assigned, handover.assigneeId, false);
  await announceJoined(deps, assigned, operator);
  await publishHandoverChange(deps, assigned);
  return assigned;
}

/** `handover.resolved` when an operator resolves it (not when the sweep abandons it): stored with the transition, never the note. */
function resolvedEvents(deps: ChatDeps, handover: Handover, end: HandoverEnd, endedAt: Date): WebhookEvent[] {
  if (end.state !== 'resolved') return [];
  const data = { conversationId: handover.conversationId, handoverId: handover.id, resolution: end.resolution, startedAt: handover.startedAt.toISOString(), endedAt: endedAt.toISOString() };
  return [deps.webhooks.event('handover.resolved', handover.botId, handover.conversationId, handover.id, data)];
}

export type HandoverEnd = { state: 'resolved'; resolution: ResolutionCode; resolutionNote: string | null } | { state: 'abandoned'; reason: AbandonReason };

/**
 * Closes the handover (as read): resolved by an operator, or abandoned by the sweep. Null when
 * someone changed it first. The bot answers the visitor's next message again. The visitor is told:
 * the operator who held it left (offered the rating when resolved), or, when no one had taken it,
 * the bot's word that no one could come.
 */
export async function closeHandover(deps: ChatDeps, handover: Handover, end: HandoverEnd): Promise<Handover | null> {
  const patch = end.state === 'resolved' ? { state: end.state, resolution: end.resolution, resolutionNote: end.resolutionNote } : { state: end.state };
  const endedAt = deps.clock();
  const closed = await deps.store.transitionHandover(handover.id, handover.version, { ...patch, endedAt }, resolvedEvents(deps, handover, end, endedAt));
  if (!closed) return null;
  if (closed.state === 'resolved') deps.webhooks.written();
  if (handover.assigneeId) {
    await announceLeft(deps, closed, handover.assigneeId, end.state === 'resolved');
  } else if (end.state === 'abandoned') {
    const text = await wording(deps, closed, 'unanswered');
    if (text !== null) await postToVisitor(deps, closed.conversationId, { sender: 'bot', text });
  }
  await publishHandoverChange(deps, closed);
  return closed;
}
