// One bot turn, from a pending turn in the store to stored replies: read the dialog state the
// previous turn left, ask the engine, store everything and mark the turn done in one store call,
// then tell the visitor. Storing comes before publishing, and publishing never decides whether a
// turn happened: a relay that is down costs the live update, never the answer (the frame fills
// any gap from history).
import type { Logger } from 'pino';
import type { AccessLevel, BotEngine, BotTurn, TurnContext } from '../bot/engine.ts';
import type { Conversation, PendingTurn, Store } from '../store/store.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { EVENT_MESSAGE, EVENT_TYPING, conversationChannel, type ChatMessage } from '../../common/wire.ts';
import { publishBestEffort } from './publish.ts';
import { newId } from './ids.ts';

export interface TurnDeps {
  store: Store;
  engine: BotEngine;
  publisher: Publisher;
  logger: Logger;
}

function turnContext(conversation: Conversation, locale: string, access: AccessLevel): TurnContext {
  return { botId: conversation.botId, conversationId: conversation.id, locale, access, state: conversation.state };
}

function outcomeOf(turn: BotTurn, keepValues: boolean) {
  return {
    replies: turn.replies.map((reply) => ({ sender: 'bot' as const, ...reply })),
    values: keepValues ? (turn.collected ?? []) : [],
    state: turn.state,
    ...(turn.handover ? { handover: { id: newId(), source: turn.handover.source } } : {}),
  };
}

/** The greeting of a new conversation: part of creating it, so it is stored before the 201. */
export async function greet(deps: TurnDeps, conversation: Conversation, locale: string, access: AccessLevel): Promise<ChatMessage[]> {
  const turn = await deps.engine.greet(turnContext(conversation, locale, access));
  const stored: ChatMessage[] = [];
  for (const reply of turn.replies) {
    stored.push((await deps.store.appendMessage({ conversationId: conversation.id, clientId: null, sender: 'bot', ...reply })).message);
  }
  await deps.store.updateConversation(conversation.id, { state: turn.state });
  return stored;
}

/** Runs one pending turn to completion. Safe to run again for the same turn: it answers once. */
export async function runTurn(deps: TurnDeps, pending: PendingTurn): Promise<ChatMessage[]> {
  const conversation = await deps.store.getConversation(pending.conversationId);
  if (!conversation) return [];
  const profile = deps.engine.profile(conversation.botId);
  const channel = conversationChannel(conversation.id);
  const log = deps.logger;
  await publishBestEffort(deps.publisher, log, channel, EVENT_TYPING, { typing: true }, 1);
  try {
    const access = pending.access as AccessLevel;
    const turn = await deps.engine.reply(turnContext(conversation, pending.locale, access), pending.input);
    const keep = profile?.policy.storeConversations !== false;
    const replies = await deps.store.completeTurn(conversation.id, pending.messageId, outcomeOf(turn, keep));
    for (const message of replies) await publishBestEffort(deps.publisher, log, channel, EVENT_MESSAGE, message);
    // Storage off: the reply is out, so nothing of this conversation's exchange needs to stay (and
    // nothing of any other conversation is touched). Messages get ids from the store all the same,
    // so the frame's ordering and de-duplication work unchanged.
    if (!keep) await deps.store.clearConversation(conversation.id);
    return replies;
  } finally {
    await publishBestEffort(deps.publisher, log, channel, EVENT_TYPING, { typing: false }, 1);
  }
}
