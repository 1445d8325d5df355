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
//
// The types are inferred from the zod schemas (data-protection-wire-schemas.ts) the server validates
// requests with and the OpenAPI document (/api/v1/openapi.json) is built from.
import type { z } from 'zod';
import type * as schemas from './data-protection-wire-schemas.ts';

/** In ISO order: monday is weekday 1. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The business hours of a bot with handover, as written in its definition's `handover.businessHours`. */
export type BusinessHoursSetting = z.infer<typeof schemas.businessHoursSetting>;

/** A bot's data-protection settings (durations in milliseconds; `null`: not set). */
export type BotDataSettings = z.infer<typeof schemas.botDataSettings>;

export type BotSettingsView = z.infer<typeof schemas.botSettingsView>;

// Requests as a client sends them (z.input of the schemas the routes validate with).
export type SaveBotSettingsRequest = z.input<typeof schemas.saveBotSettingsRequest>;

/** One conversation, or every conversation of one verified visitor of a bot (the identity `sub` the site signs). */
export type SubjectRequest = z.input<typeof schemas.subjectRequest>;

export type ErasureResult = z.infer<typeof schemas.erasureResult>;

/** The file an export is saved as, wherever it is downloaded: a date, never a `sub` or a conversation id. */
export const exportFileName = (now = new Date()): string => `parley-export-${now.toISOString().slice(0, 10)}.json`;

/** The export document's format marker: a change of shape gets a new one. */
export const SUBJECT_EXPORT_FORMAT = 'parley.subject-export.v1';

export type SubjectExport = z.infer<typeof schemas.subjectExport>;
export type ExportedConversation = z.infer<typeof schemas.exportedConversation>;
export type ExportedMessage = z.infer<typeof schemas.exportedMessage>;
export type ExportedHandover = z.infer<typeof schemas.exportedHandover>;
