// Conversions between stored shapes and the wire/store types, shared by both adapters.
import type { ChatMessage, Link, Notice, QuickReply, Sender } from '../../common/wire.ts';

/** A message as both adapters hold it, before it becomes a wire ChatMessage. */
export interface StoredMessage {
  conversationId: string;
  id: number;
  clientId: string | null;
  sender: Sender;
  text: string;
  quickReplies: QuickReply[] | null | undefined;
  links: Link[] | null | undefined;
  author: string | null | undefined;
  notice: Notice | null | undefined;
  createdAt: Date;
}

/** Optional arrays are left out when empty, so a message round-trips to what was appended. */
export function toChatMessage(m: StoredMessage): ChatMessage {
  const message: ChatMessage = {
    id: m.id,
    conversationId: m.conversationId,
    clientId: m.clientId,
    sender: m.sender,
    text: m.text,
    createdAt: m.createdAt.toISOString(),
  };
  if (m.quickReplies && m.quickReplies.length > 0) {
    message.quickReplies = m.quickReplies.map((q) => ({ label: q.label, action: q.action }));
  }
  if (m.links && m.links.length > 0) message.links = m.links.map((l) => ({ label: l.label, url: l.url }));
  if (m.author != null) message.author = m.author;
  if (m.notice != null) message.notice = noticeOf(m.notice);
  return message;
}

/** A stored notice with only its kind's fields (a document may hold `rate: null` on a join). */
function noticeOf(n: Notice): Notice {
  return n.kind === 'operator-left' ? { kind: n.kind, name: n.name, rate: n.rate } : { kind: n.kind, name: n.name };
}

/** Only the documented fields of quick replies and links are kept: no stray keys reach storage. */
export function pickQuickReplies(list: QuickReply[] | undefined): QuickReply[] | null {
  return list && list.length > 0 ? list.map((q) => ({ label: String(q.label), action: String(q.action) })) : null;
}

export function pickLinks(list: Link[] | undefined): Link[] | null {
  return list && list.length > 0 ? list.map((l) => ({ label: String(l.label), url: String(l.url) })) : null;
}

/** JSON text from a column, or null; a corrupt column reads as absent rather than crashing a request. */
export function parseJsonColumn<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** `list` with `item` at the end unless it is there already: a conversation's intents and outcomes. */
export function addOnce<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? [...list] : [...list, item];
}
