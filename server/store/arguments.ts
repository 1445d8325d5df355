// Argument checks both adapters share. The HTTP layer validates requests by schema; these guards are
// the store's own last line, so a caller's bug fails loudly instead of corrupting history or
// reaching a query as something other than a plain string or number.
import { SENDERS } from '../../common/wire.ts';
import { storeError } from './errors.ts';
import type { TurnRequest } from './store.ts';

/** Ids are compared as strings only: anything else is coerced, never passed through as an object. */
export function idString(id: unknown): string {
  return String(id);
}

export function checkAfter(after: number): number {
  if (!Number.isSafeInteger(after) || after < 0) {
    throw storeError('invalid_argument', `after must be a non-negative integer, got ${String(after)}`);
  }
  return after;
}

export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw storeError('invalid_argument', `limit must be a non-negative integer, got ${String(limit)}`);
  }
  return limit;
}

export function checkDuration(name: string, ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  if (!Number.isFinite(ms) || ms < 0) {
    throw storeError('invalid_argument', `${name} must be a non-negative number of ms, got ${String(ms)}`);
  }
  return ms;
}

export function checkDate(name: string, when: Date): Date {
  if (!(when instanceof Date) || Number.isNaN(when.getTime())) {
    throw storeError('invalid_argument', `${name} must be a valid Date`);
  }
  return when;
}

const PII_TAGS: readonly string[] = ['none', 'contact', 'identity', 'sensitive'];

export function checkSender<T extends string>(sender: T): T {
  if (!(SENDERS as readonly string[]).includes(sender)) throw storeError('invalid_argument', `unknown sender ${JSON.stringify(sender)}`);
  return sender;
}

export function checkPii<T extends string>(pii: T): T {
  if (!PII_TAGS.includes(pii)) throw storeError('invalid_argument', `unknown PII tag ${JSON.stringify(pii)}`);
  return pii;
}

/** A pending turn as stored: only its documented fields, each a plain string. */
export function turnRequest(turn: TurnRequest): TurnRequest {
  const input = 'text' in turn.input ? { text: String(turn.input.text) } : { action: String(turn.input.action) };
  return { input, locale: String(turn.locale), access: String(turn.access) };
}
