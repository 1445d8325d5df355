// What reading a sealed value can run into, as plain Errors with a `code` (the store's own errors
// work the same way, errors.ts one level up): `erased` when the conversation's data key is gone,
// which is what erasure does on purpose; `tampered` when a value does not open under its own
// conversation, field and key — moved from another row or field, altered, or truncated. The
// message names the conversation and the field, never any of the value.

export type SealingErrorCode = 'erased' | 'tampered';

export function sealingError(code: SealingErrorCode, message: string): Error & { code: SealingErrorCode } {
  return Object.assign(new Error(message), { code });
}

/** `erased`, `tampered`, or null when `err` is not a sealing error. */
export function sealingErrorCode(err: unknown): SealingErrorCode | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return code === 'erased' || code === 'tampered' ? code : null;
}
