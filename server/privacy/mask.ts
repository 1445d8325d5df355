// What operators see of a conversation (issue 14): the transcript with personal values masked.
// Two kinds are hidden: values a form collected under a PII tag (the store keeps their tag, so they
// are found by value wherever they were echoed: a confirmation, a later message), and e-mail
// addresses, phone and card numbers anywhere in free text (the detectors of detectors.ts, the same
// the log scrubber uses). A role that may reveal them asks for the unmasked transcript instead,
// with a reason that lands in the audit log (server/http/routes/console/handover-reveal.ts).
import type { ChatMessage } from '../../common/wire.ts';
import type { CollectedValue } from '../store/store.ts';
import { maskDetected } from './detectors.ts';

/** What stands in for a personal value: in stored text (a form answer) and in the masked transcript. */
export const MASKED_PII = '••••••';

/**
 * Values this short ("no", "42") would mask ordinary words and numbers everywhere; a form value
 * that short is no more identifying than the text around it.
 */
const SHORTEST_MASKED_VALUE = 3;

/** The PII-tagged values to hide, longest first, so a value containing another is hidden whole. */
export function personalValues(values: readonly Pick<CollectedValue, 'value' | 'pii'>[]): string[] {
  const found = new Set(values.filter((v) => v.pii !== 'none').map((v) => v.value.trim()).filter((v) => v.length >= SHORTEST_MASKED_VALUE));
  return [...found].sort((a, b) => b.length - a.length);
}

export function maskText(text: string, personal: readonly string[]): string {
  let masked = text;
  for (const value of personal) masked = masked.replaceAll(value, MASKED_PII);
  return maskDetected(masked, () => MASKED_PII);
}

export function maskMessage(message: ChatMessage, personal: readonly string[]): ChatMessage {
  const text = maskText(message.text, personal);
  return text === message.text ? message : { ...message, text };
}

/** The conversation as an operator without the right to reveal sees it. */
export function maskTranscript(messages: readonly ChatMessage[], values: readonly Pick<CollectedValue, 'value' | 'pii'>[]): ChatMessage[] {
  const personal = personalValues(values);
  return messages.map((message) => maskMessage(message, personal));
}
