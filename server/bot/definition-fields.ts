// The small field types bot definitions are made of (names, texts, per-language texts, durations),
// shared by the definition's schema (definition.ts) and its handover block (handover-definition.ts).
import { z } from 'zod';
import { durationMs } from '../config/duration.ts';
import { LANGUAGES } from '../../common/languages.ts';

const NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export const language = z.enum(LANGUAGES, {
  error: (issue) => `unknown language ${JSON.stringify(issue.input)} (supported: ${LANGUAGES.join(', ')})`,
});
export const name = z.string().regex(NAME_PATTERN, 'expected a name of lower-case letters, digits and _ starting with a letter');
export const text = z.string().trim().min(1, 'expected non-empty text').max(2000, 'expected at most 2000 characters');
export const label = z.string().trim().min(1).max(80);

/** Text per language; that every bot language is present is checked once the languages are known. */
export function localized<T extends z.ZodType>(value: T) {
  return z.partialRecord(language, value);
}

/** Milliseconds from "90d"-style text or a positive whole number of ms; `words` are accepted as themselves. */
export function durationOr<const W extends string = never>(...words: W[]) {
  const expected = ['a duration such as "30s", "12h" or "90d"', ...words.map((w) => `"${w}"`)].join(', or ');
  return z.union([z.number(), z.string()]).transform((value, ctx): number | W => {
    if (typeof value === 'string' && (words as string[]).includes(value)) return value as W;
    const millis = typeof value === 'number' ? (Number.isSafeInteger(value) && value > 0 ? value : undefined) : durationMs(value);
    if (millis === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return millis;
  });
}

export const duration = durationOr();
