// Where the wrapped data keys live: apart from the data, so that a copy of the data (a backup, a
// replica, a stolen disk image of the database alone) holds ciphertext and no key, and so that
// erasing a conversation is deleting a few bytes here. SQLite: a file of its own
// (sqlite-key-store.ts); MongoDB: a database of its own (mongo-key-store.ts).
import type { WrappedKey } from './key-wrap.ts';

export interface KeyStore {
  /** Where it is, for messages to the operator: a file path or a database name, never credentials. */
  readonly where: string;
  /** Shared by several instances (MongoDB): another may add a generation at any time, so none may be cached as "the newest". */
  readonly shared: boolean;
  /** The conversation's newest generation, or null when it has none (never had one, or erased). */
  newest(conversationId: string): Promise<WrappedKey | null>;
  get(conversationId: string, generation: number): Promise<WrappedKey | null>;
  /** Adds a generation; false when the conversation has that generation already (a racing writer made it). */
  insert(key: WrappedKey): Promise<boolean>;
  /**
   * Erasure: removes the data keys of `ids` — only the generations below `keepFrom` when given —
   * so that no file or collection of the key store still holds them once this resolves.
   */
  destroy(ids: readonly string[], keepFrom?: number): Promise<void>;
  /** Up to `limit` data keys wrapped by a key other than `kid` (rotation's next batch). */
  wrappedByOthers(kid: string, limit: number): Promise<WrappedKey[]>;
  /** Stores new wrappings, each only where the key is still wrapped by `from`; resolves to how many were replaced. */
  rewrap(changes: ReadonlyArray<{ from: string; to: WrappedKey }>): Promise<number>;
  /** Each wrapping key in use: how many data keys it wraps, and one of them to test the configured key on. */
  kidsInUse(): Promise<Array<{ kid: string; count: number; sample: WrappedKey }>>;
  /** A flag of the key store's own (whether rows from before sealing were migrated). */
  meta(name: string): Promise<string | null>;
  setMeta(name: string, value: string): Promise<void>;
  /** Whether it answers now (readiness: a store whose keys cannot be read serves no conversation). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
