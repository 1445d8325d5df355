// Argument checks both adapters share. The HTTP layer validates requests by schema; these guards are
// the store's own last line, so a caller's bug fails loudly instead of corrupting history or
// reaching a query as something other than a plain string or number.
import { SENDERS, type Notice, type Sender } from '../../common/wire.ts';
import { MESSAGE_OUTCOMES } from '../../common/turn-outcomes.ts';
import { storeError } from './errors.ts';
import type { BotSettingsRecord } from './data-protection-store.ts';
import type { ConversationQuery, NewMessage, TurnMeta, TurnRequest } from './store.ts';

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

export function nullableDate(name: string, when: Date | null): Date | null {
  return when === null ? null : checkDate(name, when);
}

export function checkCount(name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw storeError('invalid_argument', `${name} must be a non-negative integer`);
  }
  return n;
}

export function oneOf<T extends string>(name: string, allowed: readonly string[], value: T): T {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw storeError('invalid_argument', `unknown ${name} ${JSON.stringify(String(value))}`);
  }
  return value;
}

/**
 * Text as it will read back: lone UTF-16 surrogates become U+FFFD here rather than in the
 * database's UTF-8 encoding, so an audit entry's hash is computed over what is stored.
 */
export function text(value: unknown): string {
  return String(value).toWellFormed();
}

export function nullableText(value: unknown): string | null {
  return value === null ? null : text(value);
}

export function textList(name: string, list: unknown): string[] {
  if (!Array.isArray(list)) throw storeError('invalid_argument', `${name} must be a list of strings`);
  return list.map(text);
}

export function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw storeError('invalid_argument', `${name} must be true or false`);
  return value;
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

/**
 * A turn's metadata as stored: an outcome of the list and an intent that is a string, or none. A
 * caller's bug fails here, before any of the turn is written.
 */
export function turnMeta(meta: TurnMeta): { outcome: TurnMeta['outcome']; intent: string | null } {
  const outcome = oneOf('outcome', MESSAGE_OUTCOMES, meta?.outcome);
  const intent = meta.intent ?? null;
  if (intent !== null && typeof intent !== 'string') throw storeError('invalid_argument', 'an intent is a string');
  return { outcome, intent };
}

/** A browse query as the adapters read it: every filter checked, each value a plain string, date or flag. */
export function conversationQuery(query: ConversationQuery): ConversationQuery {
  const plain = (name: string, value: unknown): string => {
    if (typeof value !== 'string') throw storeError('invalid_argument', `${name} must be a string`);
    return value;
  };
  const checked: ConversationQuery = {
    bots: query.bots === 'all' ? 'all' : textList('bots', query.bots),
    limit: checkLimit(query.limit),
  };
  if (query.from !== undefined) checked.from = checkDate('from', query.from);
  if (query.to !== undefined) checked.to = checkDate('to', query.to);
  if (query.locale !== undefined) checked.locale = plain('locale', query.locale);
  if (query.outcome !== undefined) checked.outcome = oneOf('outcome', MESSAGE_OUTCOMES, query.outcome);
  if (query.intent !== undefined) checked.intent = plain('intent', query.intent);
  if (query.handedOver !== undefined) checked.handedOver = flag('handedOver', query.handedOver) || undefined;
  if (query.rated !== undefined) checked.rated = flag('rated', query.rated) || undefined;
  if (query.before !== undefined) checked.before = { createdAt: checkDate('before', query.before.createdAt), id: plain('before.id', query.before.id) };
  return checked;
}

/** A language tag as stored, or null when none was given. */
export function locale(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') throw storeError('invalid_argument', 'a locale is a string');
  return value;
}

/**
 * A message's author and notice as stored: an author only on an operator's message (a display
 * name, nothing else the caller passed), a notice only on a system message, with only the fields
 * of its kind. A caller that mixes them up fails here rather than showing a visitor a wrong label.
 */
export function messageExtras(sender: Sender, input: Pick<NewMessage, 'author' | 'notice'>): { author: string | null; notice: Notice | null } {
  if (input.author !== undefined && sender !== 'operator') throw storeError('invalid_argument', 'only operator messages carry an author');
  if (input.notice !== undefined && sender !== 'system') throw storeError('invalid_argument', 'only system messages carry a notice');
  return { author: input.author === undefined ? null : String(input.author), notice: input.notice === undefined ? null : checkNotice(input.notice) };
}

function checkNotice(notice: Notice): Notice {
  const name = String(notice.name);
  if (notice.kind === 'operator-joined') return { kind: notice.kind, name };
  if (notice.kind === 'operator-left') {
    if (typeof notice.rate !== 'boolean') throw storeError('invalid_argument', 'an operator-left notice says whether to offer the rating');
    return { kind: notice.kind, name, rate: notice.rate };
  }
  throw storeError('invalid_argument', `unknown notice ${JSON.stringify(String((notice as { kind?: unknown }).kind))}`);
}

/** A saved version of a bot's settings as stored: a positive version, a plain object of settings as JSON text. */
export function botSettingsRecord(record: BotSettingsRecord): BotSettingsRecord & { json: string } {
  if (!Number.isSafeInteger(record.version) || record.version < 1) {
    throw storeError('invalid_argument', `version must be a positive integer, got ${String(record.version)}`);
  }
  const settings: unknown = record.settings;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw storeError('invalid_argument', 'settings must be a plain object');
  }
  return {
    botId: idString(record.botId),
    version: record.version,
    settings: record.settings,
    json: JSON.stringify(settings),
    savedAt: checkDate('savedAt', record.savedAt),
    savedBy: idString(record.savedBy),
  };
}
