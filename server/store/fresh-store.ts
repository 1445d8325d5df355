// The fixture every contract suite shares: a fresh store opened before each case and closed after.
import { afterEach, beforeEach } from 'vitest';

/** Registers the hooks in the enclosing describe; the returned getter gives the current case's store. */
export function freshStoreEach<T extends { close(): Promise<void> }>(open: () => Promise<T>): () => T {
  let store: T | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (!store) throw new Error('the store is opened per test case: call the getter inside a hook or test');
    return store;
  };
}
