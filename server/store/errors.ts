// Errors the store throws for conditions a caller may want to map to an HTTP status. Plain Errors
// with a `code`, so callers test `storeErrorCode(err) === 'unknown_conversation'` without importing
// a class hierarchy.

export type StoreErrorCode = 'unknown_conversation' | 'duplicate_conversation' | 'invalid_argument';

export function storeError(code: StoreErrorCode, message: string): Error & { code: StoreErrorCode } {
  return Object.assign(new Error(message), { code });
}

/** The store error code of `err`, or null when `err` is not one of ours. */
export function storeErrorCode(err: unknown): StoreErrorCode | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return code === 'unknown_conversation' || code === 'duplicate_conversation' || code === 'invalid_argument'
    ? code
    : null;
}
