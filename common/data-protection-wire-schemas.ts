// Data protection's requests and answers (data-protection-wire.ts) as zod schemas: the one source
// of their TypeScript types, of the server's validation and of the OpenAPI document. Apart from
// data-protection-wire.ts so that the chat frame, which imports its constants, never bundles zod.
import { z } from 'zod';
import { SUBJECT_EXPORT_FORMAT, WEEKDAYS } from './data-protection-wire.ts';
import { SENDERS } from './wire.ts';
import { HANDOVER_STATES } from './handover-wire.ts';
import { CONVERSATION_ID_PATTERN } from './ids.ts';
import { botId, isoInstant, link, quickReply } from './wire-schemas.ts';
import { piiTag } from './handover-wire-schemas.ts';

/** The business hours of a bot with handover, as written in its definition's `handover.businessHours`. */
export const businessHoursSetting = z.object({
  /** IANA zone, e.g. `Europe/Oslo`. */
  timeZone: z.string(),
  /** Open intervals per weekday, `["08:00", "17:00"]`, start before end (`"24:00"` ends at midnight). */
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([z.string(), z.string()]))),
  /** Local dates `YYYY-MM-DD` closed all day. */
  holidays: z.array(z.string()),
});

/**
 * A bot's data-protection settings: the fields of its definition's `policy`, `allowedOrigins` and
 * `handover.businessHours` (bots/*.json stays the seed), validated by the same schema. Durations
 * are milliseconds here; a request may also write them as the definition does (`"30s"`, `"12h"`,
 * `"90d"`). `null`: not set (kept for ever; for business hours, always open).
 */
export const botDataSettings = z
  .object({
    /** false: the bot answers, and each exchange is forgotten once the reply is out. */
    storeConversations: z.boolean(),
    /** Messages are deleted this long after they were written. */
    messageTtl: z.number().nullable(),
    /** Collected form values are deleted this long after they were collected. */
    valueTtl: z.number().nullable(),
    /** Conversations idle this long (1 day to 1 year) are archived, or deleted when `archive` is false. */
    inactiveAfter: z.number(),
    archive: z.boolean(),
    /** Archived conversations are deleted this long after archiving; `"forever"` keeps them. */
    archiveTtl: z.union([z.number(), z.literal('forever')]),
    /** Host pages that may embed the chat: exact origins or `http://localhost:*`-style port wildcards. */
    allowedOrigins: z.array(z.string()),
    /** Only for a bot with handover; null: operators work at all times. */
    businessHours: businessHoursSetting.nullable(),
  })
  .meta({ id: 'BotDataSettings' });

export const botSettingsView = z
  .object({
    bot: z.string(),
    /** The bot's display name. */
    name: z.string(),
    /** Whether the bot hands over to humans (then business hours apply, and history must be kept 24 h). */
    handover: z.boolean(),
    /** 0 while the settings are the definition file's; 1, 2, 3… for each save in the console. */
    version: z.number().int(),
    savedAt: isoInstant.nullable(),
    /** The id of the console user who saved them. */
    savedBy: z.string().nullable(),
    settings: botDataSettings,
  })
  .meta({ id: 'BotSettings' });

export const botSettingsList = z.object({ bots: z.array(botSettingsView) });

export const erasureResult = z.object({
  /** How many conversations were erased (live and archived). */
  erased: z.number().int(),
});

export const exportedMessage = z.object({
  id: z.number().int(),
  sender: z.enum(SENDERS),
  text: z.string(),
  /** The operator's display name, on operator messages. */
  author: z.string().optional(),
  quickReplies: z.array(quickReply).optional(),
  links: z.array(link).optional(),
  createdAt: isoInstant,
});

export const exportedHandover = z.object({
  id: z.string(),
  state: z.enum(HANDOVER_STATES),
  startedAt: isoInstant,
  assignedAt: isoInstant.nullable(),
  endedAt: isoInstant.nullable(),
  resolution: z.string().nullable(),
  rating: z.number().int().nullable(),
  ratingComment: z.string().nullable(),
  /** Administrators' exports only: what operators wrote for each other about this conversation. */
  internal: z.object({ resolutionNote: z.string().nullable(), notes: z.array(z.object({ text: z.string(), createdAt: isoInstant })) }).optional(),
});

export const exportedConversation = z.object({
  id: z.string(),
  bot: z.string(),
  /** The host page the chat was embedded in. */
  origin: z.string(),
  /** The verified visitor's `sub`, or null for an anonymous conversation. */
  sub: z.string().nullable(),
  createdAt: isoInstant,
  lastActivityAt: isoInstant,
  /** When it moved to the archive; null while live. */
  archivedAt: isoInstant.nullable(),
  messages: z.array(exportedMessage),
  /** What the bot's forms collected (kept apart from the messages, where such answers read `••••••`). */
  values: z.array(z.object({ key: z.string(), value: z.string(), pii: piiTag, collectedAt: isoInstant })),
  handovers: z.array(exportedHandover),
});

/** The export document (docs/console.md, "The export document"): its shape is stable; a change gets a new `format`. */
export const subjectExport = z
  .object({
    format: z.literal(SUBJECT_EXPORT_FORMAT),
    exportedAt: isoInstant,
    /**
     * `administrator`: everything Parley holds, operators' internal notes and resolution notes
     * included. `visitor`: what the visitor may download from the chat frame, without those.
     */
    audience: z.enum(['administrator', 'visitor']),
    scope: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('conversation'), conversationId: z.string() }),
      z.object({ kind: z.literal('visitor'), bot: z.string(), sub: z.string() }),
    ]),
    conversations: z.array(exportedConversation),
  })
  .meta({ id: 'SubjectExport' });

// Requests. The settings themselves are checked by the bot engine against the bot's definition,
// with the definition's own schema (server/bot/settings.ts): here only their envelope.
export const saveBotSettingsRequest = z.strictObject({
  /** The version the change was made on; another save since is 409 settings_changed. */
  version: z.number().int().min(0).max(1e9),
  /** BotDataSettings, durations in milliseconds or as text such as `30d`. */
  settings: z.record(z.string(), z.unknown()),
});
/** One conversation, or every conversation of one verified visitor of a bot (the identity `sub` the site signs). */
export const subjectRequest = z.union(
  [
    z.strictObject({ conversationId: z.string().regex(CONVERSATION_ID_PATTERN, 'expected a conversation id') }),
    z.strictObject({
      bot: botId,
      // As a visitor identity may carry it (server/bot/identity.ts).
      sub: z.string().min(1).max(256).refine((s) => s.isWellFormed(), 'not well-formed Unicode'),
    }),
  ],
  { error: 'expected {"conversationId"} or {"bot", "sub"}' },
);
export type SaveBotSettingsInput = z.output<typeof saveBotSettingsRequest>;
