// The conversations' data keys over a key store: made on first use, unwrapped once and kept in
// memory while the conversation is in use (a bounded cache), destroyed on erasure. Each
// conversation has one or more generations of data key: a new conversation starts at 1; clearing
// a conversation (a bot that stores nothing) moves what it keeps to a new generation and destroys
// the older ones, so the exchange it cleared is unreadable in every copy, backups included. Values
// name their generation (cipher.ts).
import { createSecretKey } from 'node:crypto';
import { ConfigError, type NamedKey } from '../../config/index.ts';
import type { DataKey } from './cipher.ts';
import type { KeyStore } from './key-store.ts';
import { newDataKey, unwrapDataKey, wrapDataKey, type WrappedKey } from './key-wrap.ts';

export interface Keyring {
  readonly keyStore: KeyStore;
  /** The key new values of the conversation are sealed with: its newest generation, made on first use. */
  current(conversationId: string): Promise<DataKey>;
  /** The same, but null instead of a new key when the conversation has none (erased, or never sealed anything). */
  existing(conversationId: string): Promise<DataKey | null>;
  /** The keys of these generations of the conversation; a generation that is gone is absent from the map. */
  generations(conversationId: string, generations: Iterable<number>): Promise<Map<number, DataKey>>;
  /** Whether the conversation has any data key (false: erased, or never sealed anything). */
  hasKey(conversationId: string): Promise<boolean>;
  /** Makes a new newest generation and returns it. */
  advance(conversationId: string): Promise<DataKey>;
  /**
   * Erasure: destroys the data keys of `ids` (only the generations below `keepFrom`, when given).
   * Every path that removes conversation data calls this first: what it leaves behind anywhere,
   * backups included, no longer opens.
   */
  destroy(ids: readonly string[], keepFrom?: number): Promise<void>;
  /**
   * A value this process sealed moments ago and will read back (a pending turn's input, the dialog
   * state): kept as plain text beside the conversation's keys, so the turn worker does not open
   * what it has just sealed. Keyed by conversation, field and the whole stored envelope, so only
   * that very ciphertext in that very place reads from memory; anything else is opened and
   * authenticated. Erasure forgets it with the keys.
   */
  note(conversationId: string, field: string, stored: string, plain: string): void;
  /** What note() kept for this conversation, field and envelope; undefined when it must be opened. */
  recall(conversationId: string, field: string, stored: string): string | undefined;
}

/** Conversations whose keys are kept unwrapped in memory at most: a few MB, and the busy ones never wait on the key store. */
const CACHED_CONVERSATIONS = 20_000;
/**
 * A conversation unused this long is let go: longer than a visitor's pause between two messages
 * (or an operator's), so one in progress keeps its keys; once its visitor has left, it would
 * otherwise stay until 20,000 newer ones pushed it out, ~2 KB each for every visitor of the last
 * hours (issue 17's soak: +1.5 MB a minute). Coming back costs one key-store read and an unwrap.
 */
const IDLE_MS = 2 * 60_000;
/** Per conversation: a turn's input and the state it reads, with room for a second pending turn. */
const RECENT_VALUES = 4;
/** Larger values are opened again (a visitor's message is up to 2,000 characters; most are far shorter). */
const RECENT_MAX_CHARS = 512;
/**
 * What note() keeps over the whole cache, envelopes and plain texts, in characters: past it, values
 * are opened again. Without it the worst case was a few hundred MB (20,000 conversations in use,
 * four values each, an envelope about 1.4 to 4 times its plain text's length).
 */
const RECENT_BUDGET_CHARS = 8_000_000;

interface Cached {
  /** When the conversation was last sealed or opened (the clock's ms): the map is in this order. */
  usedAt: number;
  /** Known newest generation; only for a key store one process owns (another instance may add one at any time). */
  newest?: number;
  keys: Map<number, DataKey>;
  /** note()'s values: envelope, field and plain text in turn, RECENT_VALUES of each, written round. */
  recent?: string[];
  /** Where note() writes next in `recent` (counts values, not slots). */
  nextRecent?: number;
}

export interface KeyringOptions {
  /** The server's clock (start.ts): tests move it instead of waiting IDLE_MS. */
  clock?: () => Date;
  /** RECENT_BUDGET_CHARS, smaller in tests. */
  recentBudgetChars?: number;
}

function unwrapOrFail(keks: readonly NamedKey[], record: WrappedKey): DataKey {
  const key = unwrapDataKey(keks, record);
  if (key === 'unknown kid') throw new Error(`STORAGE_KEYS does not hold key "${record.kid}", which wraps data keys in the key store`);
  if (key === 'wrong key') throw new Error(`STORAGE_KEYS key "${record.kid}" does not unwrap the data keys it is said to have wrapped`);
  return { conversationId: record.conversationId, generation: record.generation, key: createSecretKey(key) };
}

export function createKeyring(keyStore: KeyStore, keks: readonly NamedKey[], options: KeyringOptions = {}): Keyring {
  const { clock = () => new Date(), recentBudgetChars = RECENT_BUDGET_CHARS } = options;
  const wrapping = keks[0];
  if (!wrapping) throw new Error('STORAGE_KEYS holds no key');
  const cache = new Map<string, Cached>();
  /** Characters note() keeps now, over the whole cache. */
  let recentChars = 0;
  const slotChars = (recent: string[], at: number) => recent[at]!.length + recent[at + 2]!.length;
  function forgetRecent(cached: Cached): void {
    if (!cached.recent) return;
    for (let at = 0; at < cached.recent.length; at += 3) recentChars -= slotChars(cached.recent, at);
    cached.recent = undefined;
  }

  /**
   * The cache entry of a conversation in use now, moved to the young end, so the map is in order of
   * use: the oldest used go first, past the size bound or once idle. Each use looks only at the old
   * end, so dropping costs in proportion to what is dropped, and no timer runs.
   */
  function used(conversationId: string, found = cache.get(conversationId)): Cached | undefined {
    if (!found) return undefined;
    const now = clock().getTime();
    cache.delete(conversationId);
    found.usedAt = now;
    cache.set(conversationId, found);
    for (const [id, oldest] of cache) {
      if (cache.size <= CACHED_CONVERSATIONS && now - oldest.usedAt < IDLE_MS) break;
      forgetRecent(oldest);
      cache.delete(id);
    }
    return found;
  }

  /** The cache entry of a conversation, made if missing, as the youngest. */
  function entry(conversationId: string): Cached {
    return used(conversationId, cache.get(conversationId) ?? { usedAt: 0, keys: new Map<number, DataKey>() })!;
  }

  function remember(record: WrappedKey, newest: boolean): DataKey {
    const cached = entry(record.conversationId);
    let key = cached.keys.get(record.generation);
    if (!key) {
      key = unwrapOrFail(keks, record);
      cached.keys.set(record.generation, key);
    }
    if (newest && !keyStore.shared) cached.newest = record.generation;
    return key;
  }

  /** Adds generation `generation`; null when another writer added it first. */
  async function make(conversationId: string, generation: number): Promise<DataKey | null> {
    const key = newDataKey();
    const record = wrapDataKey(wrapping!, conversationId, generation, key);
    if (!(await keyStore.insert(record))) return null;
    const cached = entry(conversationId);
    const dataKey = { conversationId, generation, key: createSecretKey(key) };
    cached.keys.set(generation, dataKey);
    if (!keyStore.shared) cached.newest = generation;
    return dataKey;
  }

  return {
    keyStore,

    async current(conversationId) {
      for (;;) {
        const found = await this.existing(conversationId);
        if (found) return found;
        const made = await make(conversationId, 1);
        if (made) return made;
        // Another writer made generation 1 between our look and our insert: read theirs.
      }
    },

    async existing(conversationId) {
      const known = used(conversationId);
      if (known?.newest !== undefined) return known.keys.get(known.newest)!;
      const newest = await keyStore.newest(conversationId);
      return newest && remember(newest, true);
    },

    async generations(conversationId, generations) {
      const found = new Map<number, DataKey>();
      used(conversationId);
      for (const generation of new Set(generations)) {
        const cached = cache.get(conversationId)?.keys.get(generation);
        const record = cached ? undefined : await keyStore.get(conversationId, generation);
        const key = cached ?? (record ? remember(record, false) : undefined);
        if (key) found.set(generation, key);
      }
      return found;
    },

    async hasKey(conversationId) {
      if (used(conversationId)?.keys.size) return true;
      return (await keyStore.newest(conversationId)) !== null;
    },

    async advance(conversationId) {
      for (;;) {
        const newest = await keyStore.newest(conversationId);
        const made = await make(conversationId, (newest?.generation ?? 0) + 1);
        if (made) return made;
      }
    },

    async destroy(ids, keepFrom) {
      await keyStore.destroy(ids, keepFrom);
      for (const id of ids) {
        const cached = cache.get(id);
        if (!cached) continue;
        if (keepFrom === undefined) cache.delete(id);
        else for (const generation of cached.keys.keys()) if (generation < keepFrom) cached.keys.delete(generation);
        forgetRecent(cached);
      }
    },

    note(conversationId, field, stored, plain) {
      const cached = cache.get(conversationId);
      if (!cached || plain.length > RECENT_MAX_CHARS) return;
      // A few values, compared in full on the way out (a fresh nonce makes each envelope unique):
      // a small array written round, no map to hash envelopes into, nothing allocated per value.
      const recent = (cached.recent ??= new Array<string>(RECENT_VALUES * 3).fill(''));
      const at = ((cached.nextRecent ?? 0) % RECENT_VALUES) * 3;
      const chars = recentChars - slotChars(recent, at) + stored.length + plain.length;
      if (chars > recentBudgetChars) return;
      recentChars = chars;
      recent[at] = stored;
      recent[at + 1] = field;
      recent[at + 2] = plain;
      cached.nextRecent = (cached.nextRecent ?? 0) + 1;
    },

    recall(conversationId, field, stored) {
      const recent = cache.get(conversationId)?.recent;
      if (!recent) return undefined;
      for (let at = 0; at < recent.length; at += 3) {
        if (recent[at] === stored && recent[at + 1] === field) return recent[at + 2];
      }
      return undefined;
    },
  };
}

/**
 * At start: every key that wraps data keys in the key store must be in STORAGE_KEYS and must be the
 * same key (it unwraps one of them). Otherwise the server would read every conversation as erased,
 * or fail at the first one: it stops instead, with one line naming the key.
 */
export async function checkStorageKeys(keyStore: KeyStore, keks: readonly NamedKey[]): Promise<void> {
  for (const { kid, count, sample } of await keyStore.kidsInUse()) {
    const unwrapped = unwrapDataKey(keks, sample);
    if (unwrapped === 'unknown kid') {
      throw new ConfigError(
        `STORAGE_KEYS lacks key "${kid}", which wraps ${count} data key(s) in the key store (${keyStore.where}): add it back (rotate-storage-key moves data keys to the first key)`,
      );
    }
    if (unwrapped === 'wrong key') {
      throw new ConfigError(`STORAGE_KEYS key "${kid}" is not the key that wrapped the key store's data keys (${keyStore.where}): set the key it had`);
    }
  }
}
