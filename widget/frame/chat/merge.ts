// Pure bookkeeping of the visible conversation: messages from history, the channel and send
// responses arrive in any order and more than once; the timeline keeps each id once, in id order.
import { SENDERS, type ChatMessage } from '../../../common/wire.ts';

/** A visitor message that has no server id yet, or whose send failed. */
export interface Pending {
  clientId: string;
  /** What the visitor sees in the bubble: the text, or the quick reply's label. */
  text: string;
  request: { text: string } | { action: string };
  status: 'sending' | 'failed';
}

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

/** True when a live message skips ids: something in between was missed and must be fetched. */
export function leavesGap(messages: readonly ChatMessage[], incoming: ChatMessage): boolean {
  return incoming.id > lastId(messages) + 1;
}

/** Drops pending sends the server has confirmed (their clientId now appears on a stored message). */
export function settle(pending: readonly Pending[], messages: readonly ChatMessage[]): readonly Pending[] {
  if (!pending.length) return pending;
  const confirmed = new Set(messages.map((m) => m.clientId).filter((id): id is string => id !== null));
  const left = pending.filter((p) => !confirmed.has(p.clientId));
  return left.length === pending.length ? pending : left;
}

/**
 * What a message bubble shows. A quick-reply press is stored as its action (`intent:hours`); the
 * visitor pressed a button with a label, so show the label of the latest bot message's button.
 */
export function shownText(messages: readonly ChatMessage[], index: number): string {
  const m = messages[index];
  if (!m) return '';
  if (m.sender !== 'visitor') return m.text;
  for (let i = index - 1; i >= 0; i--) {
    const prev = messages[i]!;
    if (prev.sender === 'visitor') continue;
    const pressed = prev.quickReplies?.find((r) => r?.action === m.text);
    return pressed && typeof pressed.label === 'string' ? pressed.label : m.text;
  }
  return m.text;
}
