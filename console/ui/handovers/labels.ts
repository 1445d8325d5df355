// Handover words as people read them.
import type { HandoverSource, HandoverState, ResolutionCode } from '../../../common/handover-wire.ts';

export const SOURCE_LABEL: Record<HandoverSource, string> = {
  intent: 'Asked for a person',
  fallback: 'After the bot did not understand',
  button: 'Pressed a button',
  message: 'Left a message',
};

export const STATE_LABEL: Record<HandoverState, string> = {
  waiting: 'Waiting',
  assigned: 'Assigned',
  resolved: 'Resolved',
  abandoned: 'Abandoned',
};

export const RESOLUTION_LABEL: Record<ResolutionCode, string> = {
  answered: 'Answered',
  'follow-up': 'Needs a follow-up',
  'no-response': 'The visitor stopped answering',
  spam: 'Spam or abuse',
  other: 'Other',
};

/** A time of day, or a date and time when it is not today. */
export function when(iso: string): string {
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}
