// The frame's bookkeeping on top of the timeline (common/timeline.ts): gaps to fetch, the
// visitor's sends still pending, and what a visitor bubble shows.
import { lastId } from '../../../common/timeline.ts';
import type { ChatMessage } from '../../../common/wire.ts';

/** A visitor message that has no server id yet, or whose send failed. */
export interface Pending {
  clientId: string;
  /** What the visitor sees in the bubble: the text, or the quick reply's label. */
  text: string;
  request: { text: string } | { action: string };
  status: 'sending' | 'failed';
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
