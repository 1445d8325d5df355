// Data protection's wire contract (issue 15), shared by the console app, the chat frame and the
// server: a bot's data-protection settings, a data subject's export and erasure, and the export
// document itself (its shape is stable and documented in docs/console.md). The console routes sit
// behind the console's session, CSRF and role middleware like every other; `bots.settings` and
// `subjects.export-erase` are the actions of server/accounts/roles.ts they ask for (administrators).
//
//   GET    /api/v1/console/bot-settings         → 200 { bots: BotSettingsView[] }
//   GET    /api/v1/console/bot-settings/:bot    → 200 BotSettingsView · 404 unknown_bot
//   PUT    /api/v1/console/bot-settings/:bot    SaveBotSettingsRequest → 200 BotSettingsView
//                                               400 invalid_settings (names the field) · 409 settings_changed
//   POST   /api/v1/console/subjects/export      SubjectRequest → 200 SubjectExport (attachment) · 404 nothing_found
//   POST   /api/v1/console/subjects/erase       SubjectRequest → 200 ErasureResult · 404 nothing_found
//
// The visitor's own, with the visitor token (Authorization: Bearer), from the chat frame only:
//   GET    /api/v1/conversation/export          → 200 SubjectExport of their conversation (audience "visitor")
//   DELETE /api/v1/conversation                 → 204 (common/wire.ts)

/** In ISO order: monday is weekday 1. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The business hours of a bot with handover, as written in its definition's `handover.businessHours`. */
export interface BusinessHoursSetting {
  /** IANA zone, e.g. `Europe/Oslo`. */
  timeZone: string;
  /** Open intervals per weekday, `["08:00", "17:00"]`, start before end (`"24:00"` ends at midnight). */
  weekly: Partial<Record<Weekday, Array<[string, string]>>>;
  /** Local dates `YYYY-MM-DD` closed all day. */
  holidays: string[];
}

/**
 * A bot's data-protection settings: the fields of its definition's `policy`, `allowedOrigins` and
 * `handover.businessHours` (bots/*.json stays the seed), validated by the same schema. Durations
 * are milliseconds here; a request may also write them as the definition does (`"30s"`, `"12h"`,
 * `"90d"`). `null`: not set (kept for ever; for business hours, always open).
 */
export interface BotDataSettings {
  /** false: the bot answers, and each exchange is forgotten once the reply is out. */
  storeConversations: boolean;
  /** Messages are deleted this long after they were written. */
  messageTtl: number | null;
  /** Collected form values are deleted this long after they were collected. */
  valueTtl: number | null;
  /** Conversations idle this long (1 day to 1 year) are archived, or deleted when `archive` is false. */
  inactiveAfter: number;
  archive: boolean;
  /** Archived conversations are deleted this long after archiving; `"forever"` keeps them. */
  archiveTtl: number | 'forever';
  /** Host pages that may embed the chat: exact origins or `http://localhost:*`-style port wildcards. */
  allowedOrigins: string[];
  /** Only for a bot with handover; null: operators work at all times. */
  businessHours: BusinessHoursSetting | null;
}

export interface BotSettingsView {
  bot: string;
  /** The bot's display name. */
  name: string;
  /** Whether the bot hands over to humans (then business hours apply, and history must be kept 24 h). */
  handover: boolean;
  /** 0 while the settings are the definition file's; 1, 2, 3… for each save in the console. */
  version: number;
  savedAt: string | null;
  /** The id of the console user who saved them. */
  savedBy: string | null;
  settings: BotDataSettings;
}

export interface SaveBotSettingsRequest {
  /** The version the change was made on; another save since is 409 settings_changed. */
  version: number;
  settings: Omit<BotDataSettings, 'messageTtl' | 'valueTtl' | 'inactiveAfter' | 'archiveTtl'> & {
    messageTtl: number | string | null;
    valueTtl: number | string | null;
    inactiveAfter: number | string;
    archiveTtl: number | string;
  };
}

/** One conversation, or every conversation of one verified visitor of a bot (the identity `sub` the site signs). */
export type SubjectRequest = { conversationId: string } | { bot: string; sub: string };

export interface ErasureResult {
  /** How many conversations were erased (live and archived). */
  erased: number;
}

/** The file an export is saved as, wherever it is downloaded: a date, never a `sub` or a conversation id. */
export const exportFileName = (now = new Date()): string => `parley-export-${now.toISOString().slice(0, 10)}.json`;

/** The export document's format marker: a change of shape gets a new one. */
export const SUBJECT_EXPORT_FORMAT = 'parley.subject-export.v1';

export interface SubjectExport {
  format: typeof SUBJECT_EXPORT_FORMAT;
  exportedAt: string;
  /**
   * `administrator`: everything Parley holds, operators' internal notes and resolution notes
   * included. `visitor`: what the visitor may download from the chat frame, without those.
   */
  audience: 'administrator' | 'visitor';
  scope: { kind: 'conversation'; conversationId: string } | { kind: 'visitor'; bot: string; sub: string };
  conversations: ExportedConversation[];
}

export interface ExportedConversation {
  id: string;
  bot: string;
  /** The host page the chat was embedded in. */
  origin: string;
  /** The verified visitor's `sub`, or null for an anonymous conversation. */
  sub: string | null;
  createdAt: string;
  lastActivityAt: string;
  /** When it moved to the archive; null while live. */
  archivedAt: string | null;
  messages: ExportedMessage[];
  /** What the bot's forms collected (kept apart from the messages, where such answers read `••••••`). */
  values: Array<{ key: string; value: string; pii: 'none' | 'contact' | 'identity' | 'sensitive'; collectedAt: string }>;
  handovers: ExportedHandover[];
}

export interface ExportedMessage {
  id: number;
  sender: 'visitor' | 'bot' | 'operator' | 'system';
  text: string;
  /** The operator's display name, on operator messages. */
  author?: string;
  quickReplies?: Array<{ label: string; action: string }>;
  links?: Array<{ label: string; url: string }>;
  createdAt: string;
}

export interface ExportedHandover {
  id: string;
  state: 'waiting' | 'assigned' | 'resolved' | 'abandoned';
  startedAt: string;
  assignedAt: string | null;
  endedAt: string | null;
  resolution: string | null;
  rating: number | null;
  ratingComment: string | null;
  /** Administrators' exports only: what operators wrote for each other about this conversation. */
  internal?: { resolutionNote: string | null; notes: Array<{ text: string; createdAt: string }> };
}
