// What the handover publishes, always sealed like everything else (channel-crypto: the relay reads
// nothing): a handover's changes to its bot's queue and to the console's channel of the
// conversation; the conversation's messages to the console, masked (server/privacy/mask.ts); and
// messages the visitor must see (an operator's, a notice) to both sides. Publishing is best-effort
// after storing, as for bot turns (publish.ts): a missed event is in history and in the next list.
import { EVENT_MESSAGE, conversationChannel, type ChatMessage, type Notice } from '../../common/wire.ts';
import { EVENT_CONSOLE_MESSAGE, EVENT_HANDOVER, consoleConversationChannel, queueChannel, type HandoverView } from '../../common/handover-wire.ts';
import type { Handover } from '../store/handover-store.ts';
import { storeErrorCode } from '../store/errors.ts';
import { maskMessage, personalMatcher } from '../privacy/mask.ts';
import { publishBestEffort } from './publish.ts';
import { loadHandoverView } from './handover-view.ts';
import type { ChatDeps } from './deps.ts';

type PublishDeps = Pick<ChatDeps, 'store' | 'publisher' | 'logger'>;

/** Tells the console that `handover` changed (opened, taken, reassigned, closed, rated); returns what it said. */
export async function publishHandoverChange(deps: PublishDeps, handover: Handover): Promise<HandoverView> {
  const view = await loadHandoverView(deps.store, handover);
  await Promise.all([
    publishBestEffort(deps.publisher, deps.logger, queueChannel(handover.botId), EVENT_HANDOVER, view),
    publishBestEffort(deps.publisher, deps.logger, consoleConversationChannel(handover.conversationId), EVENT_HANDOVER, view),
  ]);
  return view;
}

/** One of the conversation's messages, for whoever follows it in the console: masked. */
export async function publishToConsole(deps: PublishDeps, message: ChatMessage): Promise<void> {
  const personal = personalMatcher(await deps.store.listValues(message.conversationId));
  await publishBestEffort(deps.publisher, deps.logger, consoleConversationChannel(message.conversationId), EVENT_CONSOLE_MESSAGE, maskMessage(message, personal));
}

/** A message the visitor sees, on their channel as it is and on the console's masked. */
export async function publishToBothSides(deps: PublishDeps, message: ChatMessage): Promise<void> {
  await Promise.all([
    publishBestEffort(deps.publisher, deps.logger, conversationChannel(message.conversationId), EVENT_MESSAGE, message),
    publishToConsole(deps, message),
  ]);
}

/**
 * Stores a message of the handover's own (a notice that an operator joined or left, or the bot's
 * word that no one came), then tells both sides. A conversation deleted meanwhile gets nothing:
 * the handover went with it.
 */
export async function postToVisitor(
  deps: PublishDeps & Pick<ChatDeps, 'clock'>,
  conversationId: string,
  message: { sender: 'system'; text: string; notice: Notice } | { sender: 'bot'; text: string },
): Promise<ChatMessage | null> {
  try {
    const stored = await deps.store.appendMessage({ conversationId, clientId: null, ...message, now: deps.clock() });
    await publishToBothSides(deps, stored.message);
    return stored.message;
  } catch (err) {
    if (storeErrorCode(err) === 'unknown_conversation') return null;
    throw err;
  }
}
