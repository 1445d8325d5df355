// Validation of one form answer per slot type. Returns the value to store (normalised), or
// undefined when the answer does not fit and the slot must be asked again.
import type { SlotDefinition } from './definition.ts';
import type { Language } from '../../common/languages.ts';
import { words } from './similarity.ts';

const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/u;
const PHONE_CHARS = /^\+?[\d\s().-]+$/;
const NUMBER_PATTERN = /^-?\d+(?:[.,]\d+)?$/;
const DEFAULT_MAX_LENGTH = 200;

export function validateSlotAnswer(slot: SlotDefinition, language: Language, raw: string): string | undefined {
  const answer = raw.trim().replace(/\s+/g, ' ');
  if (answer.length === 0) return undefined;
  switch (slot.type) {
    case 'email':
      return answer.length <= 254 && EMAIL_PATTERN.test(answer) ? answer.toLowerCase() : undefined;
    case 'phone': {
      const digits = answer.replace(/\D/g, '');
      return PHONE_CHARS.test(answer) && digits.length >= 6 && digits.length <= 15 ? answer : undefined;
    }
    case 'number':
      return NUMBER_PATTERN.test(answer) ? answer.replace(',', '.') : undefined;
    case 'choice':
      return matchChoice(slot, language, answer);
    case 'text': {
      const min = slot.minLength ?? 1;
      const max = slot.maxLength ?? DEFAULT_MAX_LENGTH;
      if ([...answer].length < min || [...answer].length > max) return undefined;
      if (slot.pattern !== undefined && !new RegExp(`^(?:${slot.pattern})$`, 'u').test(answer)) return undefined;
      return answer;
    }
  }
}

/** A choice answered by its value or by its label in the visitor's language, ignoring case and accents. */
function matchChoice(slot: SlotDefinition, language: Language, answer: string): string | undefined {
  const wanted = words(answer).join(' ');
  for (const choice of slot.choices ?? []) {
    const label = choice.label[language];
    if (words(choice.value).join(' ') === wanted || (label !== undefined && words(label).join(' ') === wanted)) {
      return choice.value;
    }
  }
  return undefined;
}
