// The data-protection side of the MongoDB adapter (DataProtectionStore, data-protection-store.ts).
// A conversation is read from the live collections, or else from their archive twins (without a
// transaction: a conversation archived between the reads is read again from the archive). A
// settings version is saved by inserting it under `_id` = `<botId>#<version>`: the unique `_id`
// picks one of racing savers on MongoDB and on FerretDB alike.
import type { BotSettingsRecord, ConversationRecord, DataProtectionStore } from './data-protection-store.ts';
import type { BotSettingsDoc, ConversationDoc, HandoverDoc, HandoverNoteDoc, MessageDoc, Models } from './mongo-models.ts';
import { botSettingsRecord, idString } from './arguments.ts';
import { parseJsonColumn } from './rows.ts';
import { isDuplicateKey, messageFromDoc, toConversation } from './mongo.ts';
import { handoverFromDoc, noteFromDoc } from './mongo-handovers.ts';

type Place = Pick<Models, 'conversations' | 'messages' | 'values' | 'handovers' | 'handoverNotes'>;

const live = (models: Models): Place => models;
const archived = (models: Models): Place => ({
  conversations: models.archivedConversations,
  messages: models.archivedMessages,
  values: models.archivedValues,
  handovers: models.archivedHandovers,
  handoverNotes: models.archivedHandoverNotes,
});

async function readFrom(place: Place, id: string): Promise<ConversationRecord | null> {
  const doc = await place.conversations.findOne({ _id: id }).lean<ConversationDoc>();
  if (!doc) return null;
  const messages = await place.messages.find({ conversationId: id }).sort({ id: 1 }).lean<Array<MessageDoc & { id: number }>>();
  const values = await place.values.find({ conversationId: id }).sort({ createdAt: 1, _id: 1 }).lean();
  const handovers = await place.handovers.find({ conversationId: id }).sort({ startedAt: 1, _id: 1 }).lean<HandoverDoc[]>();
  const notes = await place.handoverNotes.find({ conversationId: id }).sort({ createdAt: 1, _id: 1 }).lean<HandoverNoteDoc[]>();
  return {
    conversation: toConversation(doc),
    archivedAt: doc.archivedAt ?? null,
    messages: messages.map(messageFromDoc),
    values: values.map((v) => ({ key: v.key, value: v.value, pii: v.pii, createdAt: v.createdAt })),
    handovers: handovers.map((h) => ({ handover: handoverFromDoc(h), notes: notes.filter((n) => n.handoverId === h._id).map(noteFromDoc) })),
  };
}

function recordFromDoc(doc: BotSettingsDoc): BotSettingsRecord {
  return {
    botId: doc.botId,
    version: doc.version,
    settings: parseJsonColumn<Record<string, unknown>>(doc.settings) ?? {},
    savedAt: doc.savedAt,
    savedBy: doc.savedBy,
  };
}

export function mongoDataProtection(models: Models): DataProtectionStore {
  const newestSettings = (botId: string) => models.botSettings.findOne({ botId }).sort({ version: -1 }).lean<BotSettingsDoc>();

  return {
    async readConversation(id) {
      const conversationId = idString(id);
      // Live first, then the archive: one archived between the two reads is in the archive by the
      // second (a sweeper copies before it deletes).
      return (await readFrom(live(models), conversationId)) ?? (await readFrom(archived(models), conversationId));
    },

    async conversationsOfSubject(botId, subject) {
      const filter = { botId: idString(botId), subject: String(subject) };
      const found = [
        ...(await models.conversations.find(filter, { _id: 1, createdAt: 1 }).lean<Array<{ _id: string; createdAt: Date }>>()),
        ...(await models.archivedConversations.find(filter, { _id: 1, createdAt: 1 }).lean<Array<{ _id: string; createdAt: Date }>>()),
      ];
      const oldestFirst = found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id));
      return [...new Set(oldestFirst.map((doc) => doc._id))];
    },

    async botSettings(botId) {
      const doc = await newestSettings(idString(botId));
      return doc ? recordFromDoc(doc) : null;
    },

    async saveBotSettings(input) {
      const record = botSettingsRecord(input);
      // Version n+1 only after reading n: a saver that read an older version is refused here or by the index.
      const newest = (await newestSettings(record.botId))?.version ?? 0;
      if (record.version !== newest + 1) return false;
      try {
        await models.botSettings.create({
          _id: `${record.botId}#${record.version}`,
          botId: record.botId,
          version: record.version,
          settings: record.json,
          savedAt: record.savedAt,
          savedBy: record.savedBy,
        });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
  };
}
