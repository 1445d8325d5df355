// Allowed embedding origins of a bot: exact origins (`https://shop.example`, `http://127.0.0.1:8080`)
// or a port wildcard (`http://localhost:*`) for development. The server uses them for
// `frame-ancestors` and to check the origin a session is opened from.

const ALLOWED_ORIGIN_PATTERN = /^(https?):\/\/([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:(\d{1,5}|\*))?$/;

/** True when `entry` is a well-formed allowed-origin entry (lower case, no path, no trailing slash). */
export function isAllowedOriginEntry(entry: string): boolean {
  const match = ALLOWED_ORIGIN_PATTERN.exec(entry);
  if (!match) return false;
  const port = match[7];
  return port === undefined || port === '*' || (Number(port) >= 1 && Number(port) <= 65535);
}

/** Whether a page at `origin` (as sent by the browser, e.g. `http://localhost:5173`) may embed the bot. */
export function isOriginAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // The browser's Origin is exactly scheme://host[:port]; anything else is not an origin.
  if (url.origin !== origin) return false;
  for (const entry of allowedOrigins) {
    if (entry === origin) return true;
    if (entry.endsWith(':*')) {
      const base = entry.slice(0, -2);
      if (`${url.protocol}//${url.hostname}` === base) return true;
    }
  }
  return false;
}
