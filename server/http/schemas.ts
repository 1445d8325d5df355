// Request schemas of the visitor API. Strict objects: an unknown field (`role`, `senderType`,
// `$where`…) is a 400, and every value is a plain string of a known shape.
import { z } from 'zod';
import { MAX_CLIENT_ID_LENGTH, MAX_TEXT_LENGTH } from '../../common/wire.ts';
import { BOT_ID_PATTERN, CHANNEL_NAME_PATTERN } from '../../common/ids.ts';

const wellFormed = (s: string) => s.isWellFormed();
/** C0 controls but tab, newline and carriage return, and DEL: nothing a person types. */
const noControlCharacters = (s: string) =>
  ![...s].some((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') || code === 0x7f;
  });
const botId = z.string().regex(BOT_ID_PATTERN, 'expected a bot id');
const origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/, 'expected an origin such as https://shop.example');
export const clientId = z
  .string()
  .regex(new RegExp(`^[A-Za-z0-9_-]{1,${MAX_CLIENT_ID_LENGTH}}$`), `expected 1-${MAX_CLIENT_ID_LENGTH} letters, digits, _ or -`);
/** Free text of up to `max` characters that a person typed: line breaks allowed, other controls not. */
export const typedText = (max: number) =>
  z.string().max(max, `at most ${max} characters`).refine(wellFormed, 'not well-formed Unicode').refine(noControlCharacters, 'control characters are not allowed');
/** A message as a person writes it: the visitor's, and an operator's in a handover. */
export const messageText = typedText(MAX_TEXT_LENGTH).refine((s) => s.trim().length > 0, 'must not be empty');

export const localeTag = z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/, 'expected a language tag such as en, nb or es-419');

export const sessionRequest = z.strictObject({
  bot: botId,
  origin: origin.optional(),
  locale: localeTag.optional(),
  resume: z.string().min(1).max(4096).optional(),
  identity: z.string().min(1).max(4096).optional(),
});

export const sendRequest = z.union([
  z.strictObject({ clientId, text: messageText }),
  z.strictObject({ clientId, action: z.string().min(1).max(200).refine(wellFormed, 'not well-formed Unicode') }),
]);

export const historyQuery = z.strictObject({
  after: z.string().regex(/^\d{1,15}$/, 'expected a message id').default('0').transform(Number),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a number')
    .default('1000')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, 'expected 1 to 1000'),
});

/** Someone in a handover starts or stops typing (the visitor's POST /api/v1/typing, the operator's console route). */
export const typingRequest = z.strictObject({ typing: z.boolean() });

export const ratingRequest = z.strictObject({
  score: z.number().int('expected a whole number').min(1, 'expected 1 to 5').max(5, 'expected 1 to 5'),
  comment: typedText(1000).optional(),
});

/** pusher-js's form body; the shapes are Pusher's own limits (CVE fix of 2015, see SECURITY-NOTES V1). */
export const channelAuthRequest = z.strictObject({
  socket_id: z.string().regex(/^\d{1,20}\.\d{1,20}$/, 'expected a socket id'),
  channel_name: z.string().regex(CHANNEL_NAME_PATTERN, 'expected a channel name'),
});

export type SessionInput = z.infer<typeof sessionRequest>;
export type SendInput = z.infer<typeof sendRequest>;
export type RatingInput = z.infer<typeof ratingRequest>;
