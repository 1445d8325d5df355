// Whether history still offers the rating. The frame reads where a conversation stands with a
// human from its messages alone (widget/frame/chat/handover.ts): an "operator left" notice with
// `rate` offers the rating. Stored messages never change, so history shows that notice as things
// stand now: offering only while the conversation's latest handover is resolved and not rated yet.
// Otherwise a reloaded frame would offer a form the server then refuses (409 nothing_to_rate).
import type { ChatMessage } from '../../common/wire.ts';
import type { HandoverStore } from '../store/handover-store.ts';

const offersRating = (m: ChatMessage) => m.notice?.kind === 'operator-left' && m.notice.rate;

/** `messages` (read just before) with every rating offer withdrawn when there is nothing to rate any more. */
export async function withCurrentRatingOffer(store: Pick<HandoverStore, 'latestHandoverOf'>, conversationId: string, messages: ChatMessage[]): Promise<ChatMessage[]> {
  if (!messages.some(offersRating)) return messages;
  // Read after the messages: a handover resolved meanwhile has its notice still to come (live), and
  // a rating given meanwhile withdraws the offer.
  const latest = await store.latestHandoverOf(conversationId);
  if (latest?.state === 'resolved' && latest.rating === null) return messages;
  return messages.map((m) => (m.notice?.kind === 'operator-left' && offersRating(m) ? { ...m, notice: { ...m.notice, rate: false } } : m));
}
