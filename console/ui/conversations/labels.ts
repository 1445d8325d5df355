// Conversation metadata as people read it: what a turn did, what the outcome filter offers, dates.
import type { BrowseOutcome } from '../../../common/conversations-wire.ts';
import type { MessageOutcome } from '../../../common/turn-outcomes.ts';

export const OUTCOME_LABEL: Record<MessageOutcome, string> = {
  answered: 'answered',
  fallback: 'not understood',
  refused: 'refused (sign-in needed)',
  form: 'form answer',
  handover: 'asked for a person',
  offline: 'no one could come',
  silent: 'during a handover',
};

export const BROWSE_OUTCOME_LABEL: Record<BrowseOutcome, string> = {
  answered: 'Answered by the bot',
  fallback: 'The bot fell back',
  refused: 'Refused for lack of sign-in',
  offline: 'No one could come',
  'handed-over': 'Handed over',
  rated: 'Rated by the visitor',
};

/** A day picked in a date field ("2026-03-01"), as the instant its local midnight is; `next` for the day after. */
export function localMidnight(day: string, next = false): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (next ? 1 : 0)).toISOString();
}

/** "nb" → "Norwegian Bokmål", in the viewer's own language. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
