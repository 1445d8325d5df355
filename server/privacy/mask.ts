// What operators see of a conversation (issue 14): the transcript with personal values masked.
// Two kinds are hidden: values a form collected under a PII tag (the store keeps their tag, so they
// are found by value wherever they were echoed: a confirmation, a later message), and e-mail
// addresses, phone and card numbers anywhere in free text (the detectors of detectors.ts, the same
// the log scrubber uses). A role that may reveal them asks for the unmasked transcript instead,
// with a reason that lands in the audit log (server/http/routes/console/reveal.ts).
import type { ChatMessage } from '../../common/wire.ts';
import type { CollectedValue } from '../store/store.ts';
import { maskDetected } from './detectors.ts';

/** What stands in for a personal value: in stored text (a form answer) and in the masked transcript. */
export const MASKED_PII = '••••••';

/**
 * Values this short ("no", "42") would mask ordinary words and numbers everywhere; a form value
 * that short is no more identifying than the text around it. The same for the words of a name.
 */
const SHORTEST_MASKED_VALUE = 3;

/** One conversation's collected personal values, as one case-insensitive pattern; null when there are none. */
export type PersonalMatcher = RegExp | null;

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD = /[\p{L}\p{M}'’-]{1,100}/gu;

/**
 * What to hide of a conversation's PII-tagged form values: each value wherever it appears, in any
 * letter case (longest first, so a value containing another is hidden whole), and each word of an
 * `identity` value (a name, where a form asked for one) wherever it stands as a word of its own:
 * "Ada" typed later is Ada Lovelace's name too, "Adam" is not.
 */
export function personalMatcher(values: readonly Pick<CollectedValue, 'value' | 'pii'>[]): PersonalMatcher {
  const tagged = values.filter((v) => v.pii !== 'none');
  const whole = new Set(tagged.map((v) => v.value.trim()).filter((v) => v.length >= SHORTEST_MASKED_VALUE));
  const words = new Set(
    tagged.filter((v) => v.pii === 'identity').flatMap((v) => v.value.match(WORD) ?? []).filter((w) => w.length >= SHORTEST_MASKED_VALUE),
  );
  if (whole.size === 0 && words.size === 0) return null;
  const longestFirst = (list: Set<string>) => [...list].sort((a, b) => b.length - a.length).map(escape);
  const alternatives = [...longestFirst(whole)];
  if (words.size > 0) alternatives.push(`(?<![\\p{L}\\p{N}])(?:${longestFirst(words).join('|')})(?![\\p{L}\\p{N}])`);
  return new RegExp(alternatives.join('|'), 'giu');
}

export function maskText(text: string, personal: PersonalMatcher = null): string {
  const masked = personal ? text.replace(personal, MASKED_PII) : text;
  return maskDetected(masked, () => MASKED_PII);
}

export function maskMessage(message: ChatMessage, personal: PersonalMatcher): ChatMessage {
  const text = maskText(message.text, personal);
  return text === message.text ? message : { ...message, text };
}

/** The conversation as an operator without the right to reveal sees it. */
export function maskTranscript(messages: readonly ChatMessage[], values: readonly Pick<CollectedValue, 'value' | 'pii'>[]): ChatMessage[] {
  const personal = personalMatcher(values);
  return messages.map((message) => maskMessage(message, personal));
}
