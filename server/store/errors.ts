// Errors the store throws for conditions a caller may want to map to an HTTP status. Plain Errors
// with a `code`, so callers test `storeErrorCode(err) === 'unknown_conversation'` without importing
// a class hierarchy.

export type StoreErrorCode =
  | 'unknown_conversation'
  | 'duplicate_conversation'
  | 'invalid_argument'
  /** A console user with this email, id or OpenID subject exists. */
  | 'duplicate_user'
  /** A session or one-time token names a user that does not exist. */
  | 'unknown_user'
  /** A note for a handover that does not exist (or went with its conversation). */
  | 'unknown_handover'
  /** The change would leave the console without an active administrator. */
  | 'last_administrator';

const CODES: ReadonlySet<string> = new Set<StoreErrorCode>([
  'unknown_conversation',
  'duplicate_conversation',
  'invalid_argument',
  'duplicate_user',
  'unknown_user',
  'unknown_handover',
  'last_administrator',
]);

export function storeError(code: StoreErrorCode, message: string): Error & { code: StoreErrorCode } {
  return Object.assign(new Error(message), { code });
}

/** The store error code of `err`, or null when `err` is not one of ours. */
export function storeErrorCode(err: unknown): StoreErrorCode | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code) ? (code as StoreErrorCode) : null;
}
