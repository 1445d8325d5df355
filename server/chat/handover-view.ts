// A handover as the console sees it (common/handover-wire.ts), and the name a visitor sees of an
// operator: the first word of their display name, never an id or an address.
import type { HandoverNoteView, HandoverView } from '../../common/handover-wire.ts';
import type { ConsoleStore, ConsoleUser } from '../store/console-store.ts';
import type { Handover, HandoverNote } from '../store/handover-store.ts';

/** "Kari Nordmann" → "Kari": what the visitor is told and sees on the operator's messages. */
export function firstName(displayName: string): string {
  return displayName.trim().split(/\s/u)[0] || displayName;
}

const iso = (when: Date | null) => (when ? when.toISOString() : null);

export function handoverView(handover: Handover, assignee: Pick<ConsoleUser, 'id' | 'displayName'> | null): HandoverView {
  return {
    id: handover.id,
    conversationId: handover.conversationId,
    botId: handover.botId,
    state: handover.state,
    source: handover.source,
    origin: handover.origin,
    startedAt: handover.startedAt.toISOString(),
    assignee: assignee ? { id: assignee.id, displayName: assignee.displayName } : null,
    assignedAt: iso(handover.assignedAt),
    firstResponseAt: iso(handover.firstResponseAt),
    endedAt: iso(handover.endedAt),
    resolution: handover.resolution,
    rating: handover.rating === null ? null : { score: handover.rating, comment: handover.ratingComment },
  };
}

/** Views of handovers with their assignees looked up, each read once (a user deleted since shows as no one). */
export async function loadHandoverViews(store: Pick<ConsoleStore, 'getUser'>, handovers: readonly Handover[]): Promise<HandoverView[]> {
  const ids = [...new Set(handovers.map((h) => h.assigneeId).filter((id): id is string => id !== null))];
  const users = new Map((await Promise.all(ids.map((id) => store.getUser(id)))).filter((u) => u !== null).map((u) => [u.id, u]));
  return handovers.map((h) => handoverView(h, h.assigneeId ? (users.get(h.assigneeId) ?? null) : null));
}

export async function loadHandoverView(store: Pick<ConsoleStore, 'getUser'>, handover: Handover): Promise<HandoverView> {
  const [view] = await loadHandoverViews(store, [handover]);
  return view!;
}

/** Internal notes with their authors' names (a user deleted since keeps the id, with no name). */
export async function loadNoteViews(store: Pick<ConsoleStore, 'getUser'>, notes: readonly HandoverNote[]): Promise<HandoverNoteView[]> {
  const ids = [...new Set(notes.map((n) => n.authorId))];
  const names = new Map((await Promise.all(ids.map((id) => store.getUser(id)))).filter((u) => u !== null).map((u) => [u.id, u.displayName]));
  return notes.map((n) => ({ id: n.id, author: { id: n.authorId, displayName: names.get(n.authorId) ?? '' }, text: n.text, createdAt: n.createdAt.toISOString() }));
}
