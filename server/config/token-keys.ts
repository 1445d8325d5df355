// TOKEN_KEYS parsing: `kid:base64url-32-bytes`, comma-separated; the first seals, all open.

export interface TokenKey {
  kid: string;
  key: Uint8Array;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** Returns the keys, or the problem as one line. */
export function parseTokenKeys(text: string): TokenKey[] | string {
  const keys: TokenKey[] = [];
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
