// Request schemas of the console API (common/console-wire.ts), in one place. Strict objects: an
// unknown field (`passwordHash`, `sessionVersion`, `$where`…) is a 400 and changes nothing.
import { z } from 'zod';
import { BOT_ID_PATTERN, CONVERSATION_ID_PATTERN } from '../../../../common/ids.ts';
import { RESOLUTION_CODES } from '../../../../common/handover-wire.ts';
import { BROWSE_OUTCOMES } from '../../../../common/conversations-wire.ts';
import { isCalendarDay, MAX_REPORT_DAYS, REPORT_TABLES } from '../../../../common/report-wire.ts';
import { clientId, localeTag, messageText, typedText } from '../../schemas.ts';

const printable = (s: string) => s.isWellFormed() && ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
/** A shape check, lower-cased: whether mail arrives is the mail server's to say. */
const email = z
  .string()
  .max(254)
  .regex(/^[^\s@]{1,64}@[^\s@]{1,253}$/, 'expected an e-mail address')
  .refine(printable, 'expected an e-mail address')
  .transform((s) => s.toLowerCase());
/** Long enough for any password the rules accept; the rules themselves answer later, in words. */
const secret = z.string().min(1).max(1024).refine((s) => s.isWellFormed(), 'not well-formed Unicode');
const role = z.enum(['administrator', 'supervisor', 'operator']);
const bots = z.array(z.string().regex(BOT_ID_PATTERN, 'expected a bot id')).max(100);

export const loginRequest = z.strictObject({ email, password: secret, totp: z.string().min(1).max(64).optional() });
export const changePasswordRequest = z.strictObject({ current: secret, next: secret });
export const setPasswordRequest = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a link token'), password: secret });
export const totpConfirmRequest = z.strictObject({ code: z.string().min(1).max(64) });
/** The code that finishes a single sign-on: the same shape as the enrolment's. */
export const ssoSecondFactorRequest = totpConfirmRequest;
export const inviteRequest = z.strictObject({
  email,
  displayName: z.string().trim().min(1).max(100).refine(printable, 'control characters are not allowed'),
  role,
  bots,
});
export const userPatch = z
  .strictObject({
    role: role.optional(),
    bots: bots.optional(),
    disabled: z.boolean().optional(),
    unlock: z.literal(true).optional(),
    revealGranted: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export const resetRequest = z.strictObject({ email });
export const settingsPatch = z.strictObject({ requireTotp: z.boolean() });
export const userIdParam = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'expected a user id');

const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a number')
    .transform(Number)
    .refine((n) => n <= max, `at most ${max}`);
export const auditQuery = z.strictObject({
  afterSeq: count(1e9).optional(),
  limit: count(1000).refine((n) => n >= 1, 'at least 1').default(100),
  actor: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(64).optional(),
});

// Reports (common/report-wire.ts): UTC days, from ≤ to, at most MAX_REPORT_DAYS of them.
const day = z.string().refine(isCalendarDay, 'expected a day as YYYY-MM-DD');
const period = {
  from: day,
  to: day,
  bot: z.string().regex(BOT_ID_PATTERN, 'expected a bot id').optional(),
};
const DAY_MS = 86_400_000;
const inOrder = (q: { from: string; to: string }) => q.from <= q.to;
const notTooLong = (q: { from: string; to: string }) => (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1 <= MAX_REPORT_DAYS;
export const reportQuery = z
  .strictObject(period)
  .refine(inOrder, 'from must not be after to')
  .refine(notTooLong, `at most ${MAX_REPORT_DAYS} days`);
export const reportCsvQuery = z
  .strictObject({ ...period, table: z.enum(REPORT_TABLES) })
  .refine(inOrder, 'from must not be after to')
  .refine(notTooLong, `at most ${MAX_REPORT_DAYS} days`);

// The live handover (common/handover-wire.ts).
/** The query of GET /handovers: `resolved` lists the closed ones (resolved or abandoned); `mine`, those the caller holds. */
export const handoverListQuery = z.strictObject({
  state: z.enum(['waiting', 'assigned', 'mine', 'resolved']).optional(),
  bot: z.string().regex(BOT_ID_PATTERN, 'expected a bot id').optional(),
  limit: count(200).refine((n) => n >= 1, 'at least 1').default(50),
});
export const reassignRequest = z.strictObject({ operatorId: userIdParam });
export const resolveRequest = z.strictObject({ code: z.enum(RESOLUTION_CODES), note: typedText(2000).optional() });
export const operatorMessageRequest = z.strictObject({ clientId, text: messageText });
export const noteRequest = z.strictObject({ text: typedText(2000).refine((s) => s.trim().length > 0, 'must not be empty') });
export const revealRequest = z.strictObject({
  reason: z.string().trim().min(5, 'at least 5 characters').max(500, 'at most 500 characters').refine(printable, 'control characters are not allowed'),
});
export const presenceRequest = z.strictObject({ available: z.boolean() });

// The conversation browser (common/conversations-wire.ts).
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** The query of GET /conversations. `before` is the opaque cursor of the page before (conversation-list.ts reads it). */
export const conversationListQuery = z.strictObject({
  bot: z.string().regex(BOT_ID_PATTERN, 'expected a bot id').optional(),
  from: instant.optional(),
  to: instant.optional(),
  locale: z.string().regex(/^[a-z]{2,3}$/, 'expected a language such as en, nb or es').optional(),
  outcome: z.enum(BROWSE_OUTCOMES).optional(),
  intent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected an intent name').optional(),
  before: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'expected the next page of an earlier answer').optional(),
  limit: count(200).refine((n) => n >= 1, 'at least 1').default(50),
});
export const cannedRepliesQuery = z.strictObject({ locale: localeTag.optional() });

// Data protection (common/data-protection-wire.ts). The settings themselves are checked by the bot
// engine against the bot's definition, with the definition's own schema (server/bot/settings.ts).
export const saveBotSettingsRequest = z.strictObject({
  version: z.number().int().min(0).max(1e9),
  settings: z.record(z.string(), z.unknown()),
});
export const subjectRequest = z.union(
  [
    z.strictObject({ conversationId: z.string().regex(CONVERSATION_ID_PATTERN, 'expected a conversation id') }),
    z.strictObject({
      bot: z.string().regex(BOT_ID_PATTERN, 'expected a bot id'),
      // As a visitor identity may carry it (server/bot/identity.ts).
      sub: z.string().min(1).max(256).refine((s) => s.isWellFormed(), 'not well-formed Unicode'),
    }),
  ],
  { error: 'expected {"conversationId"} or {"bot", "sub"}' },
);

export type LoginInput = z.infer<typeof loginRequest>;
export type SsoSecondFactorInput = z.infer<typeof ssoSecondFactorRequest>;
export type InviteInput = z.infer<typeof inviteRequest>;
export type ResetInput = z.infer<typeof resetRequest>;
export type SettingsInput = z.infer<typeof settingsPatch>;
export type UserPatchInput = z.infer<typeof userPatch>;
export type HandoverListQuery = z.infer<typeof handoverListQuery>;
export type ReassignInput = z.infer<typeof reassignRequest>;
export type ResolveInput = z.infer<typeof resolveRequest>;
export type OperatorMessageInput = z.infer<typeof operatorMessageRequest>;
export type NoteInput = z.infer<typeof noteRequest>;
export type RevealInput = z.infer<typeof revealRequest>;
export type PresenceInput = z.infer<typeof presenceRequest>;
export type ConversationListQuery = z.infer<typeof conversationListQuery>;
export type SaveBotSettingsInput = z.infer<typeof saveBotSettingsRequest>;
