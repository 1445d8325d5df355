// Key lists: `kid:base64url-32-bytes`, comma-separated; the first seals (or wraps), all open. The
// shape of TOKEN_KEYS (visitor tokens) and STORAGE_KEYS (the data keys of the store), so rotating
// either works the same way: put the new key first, keep the old one until nothing needs it.

export interface NamedKey {
  kid: string;
  key: Uint8Array;
}

export type TokenKey = NamedKey;

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** Returns the keys, or the problem as one line. */
export function parseKeyList(text: string): NamedKey[] | string {
  const keys: NamedKey[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [kid, b64, extra] = entry.split(':');
    if (!kid || !b64 || extra !== undefined || !KID.test(kid)) return `entry "${kid ?? ''}:…" is not kid:base64url-key`;
    const key = Buffer.from(b64, 'base64url');
    if (key.length !== 32 || key.toString('base64url') !== b64.replace(/=+$/, '')) return `key "${kid}" is not 32 bytes of base64url`;
    if (keys.some((k) => k.kid === kid)) return `key id "${kid}" appears twice`;
    keys.push({ kid, key: new Uint8Array(key) });
  }
  return keys.length ? keys : 'no keys given';
}
