// Requests from data subjects: everything Parley holds about one conversation, or about one
// verified visitor (the identity `sub` a site signs for a bot), exported as one JSON document of a
// stable shape (SubjectExport, common/data-protection-wire.ts; docs/console.md), or erased.
// Erasure goes through Store.deleteConversation, the one function every deletion uses: it reaches
// the live conversation and its archived copy, messages, collected values, handover records and
// their notes (and, with encryption at rest, the conversation's data key).
import type { Store } from '../store/store.ts';
import type { ConversationRecord } from '../store/data-protection-store.ts';
import {
  SUBJECT_EXPORT_FORMAT,
  type ExportedConversation,
  type ExportedHandover,
  type SubjectExport,
  type SubjectRequest,
} from '../../common/data-protection-wire.ts';

type SubjectStore = Pick<Store, 'readConversation' | 'conversationsOfSubject'>;

/** The conversations a request is about, live or archived; [] when the store holds none. */
async function conversationsOf(store: SubjectStore, request: SubjectRequest): Promise<string[]> {
  if ('conversationId' in request) return [request.conversationId];
  return store.conversationsOfSubject(request.bot, request.sub);
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

function exportedHandover({ handover, notes }: ConversationRecord['handovers'][number], audience: SubjectExport['audience']): ExportedHandover {
  return {
    id: handover.id,
    state: handover.state,
    startedAt: handover.startedAt.toISOString(),
    assignedAt: iso(handover.assignedAt),
    endedAt: iso(handover.endedAt),
    resolution: handover.resolution,
    rating: handover.rating,
    ratingComment: handover.ratingComment,
    // What operators wrote for each other: an administrator hands it over after reading it; the
    // frame's download leaves it out. Operators' ids are theirs, not the visitor's: never exported.
    ...(audience === 'administrator'
      ? { internal: { resolutionNote: handover.resolutionNote, notes: notes.map((n) => ({ text: n.text, createdAt: n.createdAt.toISOString() })) } }
      : {}),
  };
}

function exportedConversation(record: ConversationRecord, audience: SubjectExport['audience']): ExportedConversation {
  const { conversation } = record;
  return {
    id: conversation.id,
    bot: conversation.botId,
    origin: conversation.origin,
    sub: conversation.subject,
    createdAt: conversation.createdAt.toISOString(),
    lastActivityAt: conversation.lastActivityAt.toISOString(),
    archivedAt: iso(record.archivedAt),
    messages: record.messages.map((m) => ({
      id: m.id,
      sender: m.sender,
      text: m.text,
      ...(m.author !== undefined ? { author: m.author } : {}),
      ...(m.quickReplies ? { quickReplies: m.quickReplies } : {}),
      ...(m.links ? { links: m.links } : {}),
      createdAt: m.createdAt,
    })),
    values: record.values.map((v) => ({ key: v.key, value: v.value, pii: v.pii, collectedAt: v.createdAt.toISOString() })),
    handovers: record.handovers.map((h) => exportedHandover(h, audience)),
  };
}

/** The export document, or null when the store holds nothing the request names. */
export async function exportSubject(
  store: SubjectStore,
  request: SubjectRequest,
  audience: SubjectExport['audience'],
  now: Date,
): Promise<SubjectExport | null> {
  const records: ConversationRecord[] = [];
  for (const id of await conversationsOf(store, request)) {
    const record = await store.readConversation(id);
    if (record) records.push(record);
  }
  if (records.length === 0) return null;
  return {
    format: SUBJECT_EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    audience,
    scope: 'conversationId' in request ? { kind: 'conversation', conversationId: request.conversationId } : { kind: 'visitor', bot: request.bot, sub: request.sub },
    conversations: records.map((record) => exportedConversation(record, audience)),
  };
}

/**
 * Erases every conversation the request names with `remove` (the deletion that also tells the
 * console about an open handover, server/chat/handover-deletion.ts); how many there were.
 */
export async function eraseSubject(store: SubjectStore, request: SubjectRequest, remove: (conversationId: string) => Promise<boolean>): Promise<number> {
  let erased = 0;
  for (const id of await conversationsOf(store, request)) {
    if (await remove(id)) erased += 1;
  }
  return erased;
}
