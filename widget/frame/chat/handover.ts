// Where the conversation stands with a human, read from the messages alone: the latest
// operator-joined / operator-left notice decides. No extra state to keep in step with history,
// so a reload, a resumed conversation or a history fill all land on the same answer.
import type { ChatMessage, Notice } from '../../../common/wire.ts';

export interface HandoverStatus {
  /** The operator's name while one holds the conversation (after "joined", before "left"). */
  operator: string | null;
  /** The "left" notice that offers a rating, while it is the latest notice. */
  rateable: { noticeId: number; name: string } | null;
}

/** The message's notice when it is well formed; anything else is shown as plain system text. */
export function noticeOf(message: ChatMessage): Notice | null {
  const n: unknown = message.notice;
  if (message.sender !== 'system' || typeof n !== 'object' || n === null) return null;
  const { kind, name, rate } = n as Record<string, unknown>;
  if (typeof name !== 'string') return null;
  if (kind === 'operator-joined') return { kind, name };
  if (kind === 'operator-left' && typeof rate === 'boolean') return { kind, name, rate };
  return null;
}

export function handoverStatus(messages: readonly ChatMessage[]): HandoverStatus {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    const notice = noticeOf(message);
    if (notice?.kind === 'operator-joined') return { operator: notice.name, rateable: null };
    if (notice?.kind === 'operator-left') return { operator: null, rateable: notice.rate ? { noticeId: message.id, name: notice.name } : null };
  }
  return { operator: null, rateable: null };
}
