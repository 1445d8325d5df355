// Only these schemes ever become a clickable link; anything else (javascript:, data:, vbscript:,
// blob:, relative tricks) is not rendered as a link at all.
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** The normalised URL if it is absolute and uses a safe scheme, otherwise null. */
export function safeHref(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null; // relative or malformed
  }
  return SAFE_SCHEMES.has(parsed.protocol) ? parsed.href : null;
}
