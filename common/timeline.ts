// A conversation's messages as a browser client holds them (the frame and the console alike):
// messages from history, the channel and send answers arrive in any order and more than once; the
// timeline keeps each id once, in id order, and takes only what is shaped like a message.
import { SENDERS, type ChatMessage } from './wire.ts';

const KNOWN_SENDERS: ReadonlySet<string> = new Set(SENDERS);

/** Shape check for anything that claims to be a ChatMessage (channel events, API bodies). */
export function isChatMessage(value: unknown): value is ChatMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(m.id) &&
    (m.id as number) > 0 &&
    typeof m.text === 'string' &&
    typeof m.conversationId === 'string' &&
    typeof m.sender === 'string' &&
    KNOWN_SENDERS.has(m.sender) &&
    (m.author === undefined || typeof m.author === 'string') &&
    (m.quickReplies === undefined || Array.isArray(m.quickReplies)) &&
    (m.links === undefined || Array.isArray(m.links))
  );
}

export function lastId(messages: readonly ChatMessage[]): number {
  return messages.length ? messages[messages.length - 1]!.id : 0;
}

/** `existing` plus the unseen ones of `incoming`, ordered by id. Returns `existing` itself when nothing is new. */
export function mergeMessages(existing: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  const seen = new Set(existing.map((m) => m.id));
  const fresh = incoming.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    return true;
  });
  if (!fresh.length) return existing;
  return [...existing, ...fresh].sort((a, b) => a.id - b.id);
}

