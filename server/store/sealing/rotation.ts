// `npm run parley -- rotate-storage-key`: every data key wrapped by an older STORAGE_KEYS entry is
// unwrapped and wrapped again by the first, in batches. Only the key store changes; the data store
// is not touched (its values are sealed with the data keys, which stay the same). Each batch is one
// write, so a run killed half-way leaves every key wrapped by one key or the other, both listed,
// and running the command again finishes the job. Once it reports none left, the older keys can
// leave STORAGE_KEYS.
import { ConfigError, type NamedKey } from '../../config/index.ts';
import type { KeyStore } from './key-store.ts';
import { unwrapDataKey, wrapDataKey } from './key-wrap.ts';

const BATCH = 200;

export async function rotateStorageKey(
  keyStore: KeyStore,
  keks: readonly NamedKey[],
  opts: { batch?: number; progress?: (rewrapped: number) => void } = {},
): Promise<number> {
  const first = keks[0]!;
  let rewrapped = 0;
  for (;;) {
    const batch = await keyStore.wrappedByOthers(first.kid, opts.batch ?? BATCH);
    if (batch.length === 0) return rewrapped;
    const changes = batch.map((record) => {
      const key = unwrapDataKey(keks, record);
      if (typeof key === 'string') throw new ConfigError(`STORAGE_KEYS: key "${record.kid}" is needed to unwrap data keys (${key})`);
      return { from: record.kid, to: wrapDataKey(first, record.conversationId, record.generation, key) };
    });
    rewrapped += await keyStore.rewrap(changes);
    opts.progress?.(rewrapped);
  }
}
