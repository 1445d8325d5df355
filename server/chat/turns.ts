// One bot turn, from a pending turn in the store to stored replies: read the dialog state the
// previous turn left, ask the engine, store everything and mark the turn done in one store call,
// then tell the visitor. Storing comes before publishing, and publishing never decides whether a
// turn happened: a relay that is down costs the live update, never the answer (the frame fills
// any gap from history).
//
// Live handover (issue 14): the engine says when a turn hands the conversation to a human, and the
// store opens the handover in the same write as the turn's replies. From then until the handover
// closes (handover-lifecycle.ts) the bot is silent: a turn completes with no replies, and the
// visitor's message goes to the console instead.
import type { AccessLevel, BotProfile, BotTurn, TurnContext } from '../bot/engine.ts';
import type { Conversation, PendingTurn, TurnOutcome } from '../store/store.ts';
import type { Handover } from '../store/handover-store.ts';
import type { WebhookEvent } from '../store/webhook-store.ts';
import { EVENT_MESSAGE, EVENT_TYPING, conversationChannel, type ChatMessage } from '../../common/wire.ts';
import { publishBestEffort } from './publish.ts';
import { newId } from './ids.ts';
import { staffingFor } from './staffing.ts';
import { publishHandoverChange, publishToConsole } from './handover-publish.ts';
import { autoAssign } from './auto-assign.ts';
import type { ChatDeps } from './deps.ts';
import { shareableValues } from '../privacy/mask.ts';

function turnContext(conversation: Conversation, locale: string, access: AccessLevel): TurnContext {
  return { botId: conversation.botId, conversationId: conversation.id, locale, access, state: conversation.state };
}

function outcomeOf(turn: BotTurn, profile: BotProfile | undefined, pending: PendingTurn, now: Date, events: WebhookEvent[]): TurnOutcome {
  const keep = profile?.policy.storeConversations !== false;
  return {
    meta: {
      outcome: turn.outcome,
      ...(turn.intent !== undefined ? { intent: turn.intent } : {}),
      ...(turn.nearest !== undefined ? { nearest: turn.nearest } : {}),
    },
    locale: pending.locale,
    replies: turn.replies.map((reply) => ({ sender: 'bot' as const, ...reply })),
    values: keep ? (turn.collected ?? []) : [],
    state: turn.state,
    events,
    now,
  };
}

/**
 * The handover the turn opens (a bot without handover settings hands over to no one: the request
 * stays in its dialog state only), with its `handover.requested` event, stored only if the turn
 * does open it.
 */
function handoverOf(deps: ChatDeps, turn: BotTurn, profile: BotProfile | undefined, conversation: Conversation, now: Date): TurnOutcome['handover'] {
  if (!turn.handover || !profile?.handover) return undefined;
  const id = newId();
  const { source } = turn.handover;
  const data = { conversationId: conversation.id, handoverId: id, source, startedAt: now.toISOString() };
  return { id, source, events: [deps.webhooks.event('handover.requested', conversation.botId, conversation.id, id, data)] };
}

/** The greeting of a new conversation: part of creating it, so it is stored before the 201. */
export async function greet(deps: Pick<ChatDeps, 'store' | 'engine'>, conversation: Conversation, locale: string, access: AccessLevel): Promise<ChatMessage[]> {
  const turn = await deps.engine.greet(turnContext(conversation, locale, access));
  const stored: ChatMessage[] = [];
  for (const reply of turn.replies) {
    stored.push((await deps.store.appendMessage({ conversationId: conversation.id, clientId: null, sender: 'bot', ...reply })).message);
  }
  await deps.store.updateConversation(conversation.id, { state: turn.state });
  return stored;
}

/** A turn while a handover is open: done without a word from the bot; the operator side gets the message. */
async function passToOperator(deps: ChatDeps, conversation: Conversation, pending: PendingTurn, handover: Handover): Promise<ChatMessage[]> {
  const silent = { meta: { outcome: 'silent' as const }, locale: pending.locale, replies: [], values: [], state: conversation.state, now: deps.clock() };
  await deps.store.completeTurn(conversation.id, pending.messageId, silent);
  const [message] = await deps.store.listMessages(conversation.id, pending.messageId - 1, 1);
  if (message) await publishToConsole(deps, message, handover);
  return [];
}

/** The turn opened a handover: the bot's queue hears of it, and with auto-assignment someone gets it now. */
async function handoverOpened(deps: ChatDeps, conversationId: string): Promise<void> {
  const handover = await deps.store.openHandoverOf(conversationId);
  if (!handover) return;
  await publishHandoverChange(deps, handover);
  if (handover.state === 'waiting') await autoAssign(deps, handover.botId, [handover]);
}

/**
 * A form was completed: its `form.submitted` event, the shareable values as given and the rest
 * masked. Earlier answers are the stored values (none when the bot stores nothing: then only this
 * turn's answer is known), this turn's answer the engine's.
 */
async function formSubmitted(deps: ChatDeps, conversation: Conversation, pending: PendingTurn, turn: BotTurn): Promise<WebhookEvent[]> {
  if (!turn.submitted) return [];
  const { form, keys, shareable } = turn.submitted;
  const latest = new Map<string, string>();
  for (const v of await deps.store.listValues(conversation.id)) latest.set(v.key, v.value);
  for (const v of turn.collected ?? []) latest.set(v.key, v.value);
  const values = keys.filter((key) => latest.has(key)).map((key) => ({ key, value: latest.get(key)! }));
  const data = { conversationId: conversation.id, form, values: shareableValues(values, shareable) };
  return [deps.webhooks.event('form.submitted', conversation.botId, conversation.id, `${conversation.id}:${pending.messageId}`, data)];
}

/** Runs one pending turn to completion. Safe to run again for the same turn: it answers once. */
export async function runTurn(deps: ChatDeps, pending: PendingTurn): Promise<ChatMessage[]> {
  const conversation = await deps.store.getConversation(pending.conversationId);
  if (!conversation) return [];
  const profile = deps.engine.profile(conversation.botId);
  const open = profile?.handover ? await deps.store.openHandoverOf(conversation.id) : null;
  if (open) return passToOperator(deps, conversation, pending, open);
  const channel = conversationChannel(conversation.id);
  const log = deps.logger;
  await publishBestEffort(deps.publisher, log, channel, EVENT_TYPING, { typing: true }, 1);
  try {
    const now = deps.clock();
    const staffing = profile ? await staffingFor(deps, profile, now) : undefined;
    const context = { ...turnContext(conversation, pending.locale, pending.access as AccessLevel), ...(staffing ? { staffing } : {}) };
    const answered = deps.metrics.botTurnDuration.startTimer();
    const turn = await deps.engine.reply(context, pending.input);
    const handover = handoverOf(deps, turn, profile, conversation, now);
    const submitted = await formSubmitted(deps, conversation, pending, turn);
    const outcome = { ...outcomeOf(turn, profile, pending, now, submitted), ...(handover ? { handover } : {}) };
    const replies = await deps.store.completeTurn(conversation.id, pending.messageId, outcome);
    answered({ outcome: turn.outcome });
    if (submitted.length > 0 || handover) deps.webhooks.written();
    for (const message of replies) await publishBestEffort(deps.publisher, log, channel, EVENT_MESSAGE, message);
    if (handover) await handoverOpened(deps, conversation.id);
    // Storage off: the reply is out, so nothing of this conversation's exchange needs to stay (and
    // nothing of any other conversation is touched). Messages get ids from the store all the same,
    // so the frame's ordering and de-duplication work unchanged.
    if (profile?.policy.storeConversations === false) await deps.store.clearConversation(conversation.id);
    return replies;
  } finally {
    await publishBestEffort(deps.publisher, log, channel, EVENT_TYPING, { typing: false }, 1);
  }
}
