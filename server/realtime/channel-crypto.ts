// Encryption of `private-encrypted-` channels between the Parley server and the browser, exactly as Pusher specifies it (and as the
// `pusher` SDK and pusher-js implement it), so any relay — embedded, soketi, Pusher Channels —
// carries only ciphertext:
//   shared secret = SHA-256(channel name as UTF-8 ‖ 32-byte master key)
//   event data    = JSON string {"nonce": base64(24 random bytes), "ciphertext": base64(secretbox)}
// where the sealed plaintext is the UTF-8 of JSON.stringify(data).
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';

const MASTER_KEY_BYTES = 32;
const ENCRYPTED_PREFIX = 'private-encrypted-';
// Standard base64 with optional padding; Buffer.from alone would silently skip junk characters.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Decodes a base64 master key; throws (without echoing the key) unless it is exactly 32 bytes. */
export function parseMasterKey(base64: string): Uint8Array {
  if (typeof base64 !== 'string') throw new Error('encryption master key must be a base64 string');
  const text = base64.trim();
  if (!BASE64.test(text)) throw new Error('encryption master key is not valid base64');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new Error(`encryption master key must decode to ${MASTER_KEY_BYTES} bytes, got ${bytes.length}`);
  }
  return new Uint8Array(bytes);
}

/** The per-channel secretbox key handed to the channel's authorized subscriber as `shared_secret`. */
export function channelSharedSecret(masterKey: Uint8Array, channel: string): Uint8Array {
  assertMasterKey(masterKey);
  const digest = createHash('sha256').update(Buffer.from(channel, 'utf8')).update(masterKey).digest();
  return new Uint8Array(digest);
}

export function isEncryptedChannel(channel: string): boolean {
  return channel.startsWith(ENCRYPTED_PREFIX);
}

/** Seals `data` for `channel` under a fresh random nonce; returns the event's `data` string. */
export function sealEventData(masterKey: Uint8Array, channel: string, data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new Error('event data must be JSON-serialisable');
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const ciphertext = nacl.secretbox(new TextEncoder().encode(json), nonce, channelSharedSecret(masterKey, channel));
  return JSON.stringify({
    nonce: Buffer.from(nonce).toString('base64'),
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  });
}

/**
 * Opens an event's `data` string with the channel's shared secret. Throws if the payload is
 * malformed, was sealed under another key, or was altered in any bit. Like pusher-js, returns the
 * raw text when the plaintext is not JSON.
 */
export function openEventData(sharedSecret: Uint8Array, payload: string): unknown {
  if (!(sharedSecret instanceof Uint8Array) || sharedSecret.length !== nacl.secretbox.keyLength) {
    throw new Error(`shared secret must be ${nacl.secretbox.keyLength} bytes`);
  }
  const { nonce, ciphertext } = parseSealedPayload(payload);
  const plaintext = nacl.secretbox.open(ciphertext, nonce, sharedSecret);
  if (plaintext === null) throw new Error('encrypted event failed to open: wrong key or tampered data');
  const text = new TextDecoder().decode(plaintext);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseSealedPayload(payload: string): { nonce: Uint8Array; ciphertext: Uint8Array } {
  let parsed: unknown;
  try {
    parsed = typeof payload === 'string' ? JSON.parse(payload) : payload;
  } catch {
    throw new Error('encrypted event is not JSON');
  }
  const fields = parsed as { nonce?: unknown; ciphertext?: unknown } | null;
  if (typeof fields?.nonce !== 'string' || typeof fields.ciphertext !== 'string') {
    throw new Error('encrypted event must have string fields nonce and ciphertext');
  }
  if (!BASE64.test(fields.nonce) || !BASE64.test(fields.ciphertext)) {
    throw new Error('encrypted event nonce and ciphertext must be base64');
  }
  const nonce = new Uint8Array(Buffer.from(fields.nonce, 'base64'));
  const ciphertext = new Uint8Array(Buffer.from(fields.ciphertext, 'base64'));
  if (nonce.length !== nacl.secretbox.nonceLength) {
    throw new Error(`encrypted event nonce must be ${nacl.secretbox.nonceLength} bytes`);
  }
  if (ciphertext.length < nacl.secretbox.overheadLength) throw new Error('encrypted event ciphertext is too short');
  return { nonce, ciphertext };
}

function assertMasterKey(masterKey: Uint8Array): void {
  if (!(masterKey instanceof Uint8Array) || masterKey.length !== MASTER_KEY_BYTES) {
    throw new Error(`encryption master key must be ${MASTER_KEY_BYTES} bytes`);
  }
}
