// One bot turn, after the visitor's message is safely stored: typing on, ask the engine, store
// each reply, publish it, typing off. Turns of one conversation run one after another so dialog
// state is never written by two turns at once.
import type { Logger } from 'pino';
import type { BotEngine, BotTurn, TurnContext, VisitorInput } from '../bot/engine.ts';
import type { Conversation, Store } from '../store/store.ts';
import type { Publisher } from '../realtime/publisher.ts';
import type { AccessLevel } from '../bot/engine.ts';
import { EVENT_MESSAGE, EVENT_TYPING, conversationChannel, type ChatMessage } from '../../common/wire.ts';

export interface TurnDeps {
  store: Store;
  engine: BotEngine;
  publisher: Publisher;
  logger: Logger;
}

export interface TurnRequest {
  conversation: Conversation;
  locale: string;
  access: AccessLevel;
  /** Absent for the greeting of a new conversation. */
  input?: VisitorInput;
  /** The bot keeps no conversations: drop messages and collected values once the reply is out. */
  forget?: boolean;
}

/** Stores the engine's replies and collected values, and the new dialog state. */
export async function storeTurn(store: Store, conversationId: string, turn: BotTurn, forget = false): Promise<ChatMessage[]> {
  const stored: ChatMessage[] = [];
  for (const reply of turn.replies) {
    const { message } = await store.appendMessage({ conversationId, clientId: null, sender: 'bot', ...reply });
    stored.push(message);
  }
  if (!forget) for (const slot of turn.collected ?? []) await store.putValue(conversationId, slot);
  await store.updateConversation(conversationId, {
    state: turn.state,
    lastActivityAt: new Date(),
    ...(turn.handover ? { handover: true } : {}),
  });
  return stored;
}

export async function runBotTurn(deps: TurnDeps, request: TurnRequest): Promise<ChatMessage[]> {
  const { conversation } = request;
  const ctx: TurnContext = {
    botId: conversation.botId,
    conversationId: conversation.id,
    locale: request.locale,
    access: request.access,
    state: conversation.state,
  };
  if (!request.input) return storeTurn(deps.store, conversation.id, await deps.engine.greet(ctx));

  const channel = conversationChannel(conversation.id);
  await deps.publisher.trigger(channel, EVENT_TYPING, { typing: true });
  try {
    // Re-read the state: an earlier turn of this conversation may have changed it.
    const fresh = await deps.store.getConversation(conversation.id);
    if (!fresh) return [];
    const turn = await deps.engine.reply({ ...ctx, state: fresh.state }, request.input);
    const messages = await storeTurn(deps.store, conversation.id, turn, request.forget);
    for (const message of messages) await deps.publisher.trigger(channel, EVENT_MESSAGE, message);
    // Storage off: the reply is out, so nothing of this conversation's exchange needs to stay (and
    // nothing of any other conversation is touched). Messages get ids from the store all the same,
    // so the frame's ordering and de-duplication work unchanged.
    if (request.forget) await deps.store.clearConversation(conversation.id);
    return messages;
  } finally {
    await deps.publisher.trigger(channel, EVENT_TYPING, { typing: false });
  }
}

/** Runs `task` after every earlier task queued under the same key; never rejects. */
export function createTurnQueue(logger: Logger) {
  const tails = new Map<string, Promise<void>>();
  return (key: string, task: () => Promise<unknown>): Promise<void> => {
    const run = (tails.get(key) ?? Promise.resolve())
      .then(task)
      .then(
        () => undefined,
        (err: unknown) => logger.error({ err, conversation: key }, 'bot turn failed'),
      );
    tails.set(key, run);
    void run.then(() => {
      if (tails.get(key) === run) tails.delete(key);
    });
    return run;
  };
}
