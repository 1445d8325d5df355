// One value sealed with a conversation's data key: AES-256-GCM from node:crypto, a fresh random
// 96-bit nonce per value, and the conversation id, the field and the key's generation bound as
// associated data, so a ciphertext copied into another conversation's row, or into another field,
// fails authentication instead of reading as that row's text.
//
// Stored as text, `sealed1:<generation>:<base64url(nonce ‖ ciphertext ‖ tag)>`, because every
// sealed column and field is text in both adapters (the SQLite tables are STRICT). The generation
// says which of the conversation's data keys opens it (clearing a conversation moves it to a new
// one, see keyring.ts). Text without the prefix was written before sealing existed (migration.ts).
import { createCipheriv, createDecipheriv, randomFillSync, type KeyObject } from 'node:crypto';
import { sealingError } from './errors.ts';

/** What every sealed value starts with; the adapters' queries for sealed values use it too. */
export const SEALED_PREFIX = 'sealed1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^sealed1:([1-9][0-9]{0,8}):([A-Za-z0-9_-]+)$/;

/** One generation of a conversation's data key, unwrapped (a KeyObject: the cipher takes it a third faster than bytes). */
export interface DataKey {
  conversationId: string;
  generation: number;
  key: KeyObject;
}

/**
 * Each key's associated data by field, made once: the same few fields are sealed and opened again
 * and again while a conversation is in use, and the keyring drops the key (and this with it) after.
 */
const associated = new WeakMap<DataKey, Map<string, Buffer>>();

function associatedData(dataKey: DataKey, field: string): Buffer {
  let byField = associated.get(dataKey);
  if (!byField) associated.set(dataKey, (byField = new Map()));
  let aad = byField.get(field);
  if (!aad) byField.set(field, (aad = Buffer.from(`parley-sealed-v1\0${dataKey.conversationId}\0${field}\0${dataKey.generation}`, 'utf8')));
  return aad;
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** The generation a stored value was sealed under; null for text that is not sealed. */
export function generationOf(stored: string): number | null {
  if (!isSealed(stored)) return null;
  const match = ENVELOPE.exec(stored);
  // A value that looks sealed but does not parse still names a generation: 0, which no key has,
  // and open() reports it as tampered.
  return match ? Number(match[1]) : 0;
}

// Nonces come from a pool of random bytes filled 4 KB at a time: the same CSPRNG as randomBytes,
// without a call into it per value (which cost a third of a seal). Each nonce is used once.
const pool = Buffer.alloc(NONCE_BYTES * 341);
let taken = pool.length;

/**
 * A view into the pool, not a copy: seal() uses it synchronously (the cipher takes its own copy of
 * the IV, the envelope another) before any later call can refill the pool under it.
 */
function freshNonce(): Buffer {
  if (taken + NONCE_BYTES > pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  taken += NONCE_BYTES;
  return pool.subarray(taken - NONCE_BYTES, taken);
}

export function seal(dataKey: DataKey, field: string, plaintext: string): string {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', dataKey.key, nonce);
  cipher.setAAD(associatedData(dataKey, field));
  const body = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${dataKey.generation}:${body.toString('base64url')}`;
}

/** Opens what seal() made with the same key and field; anything else throws `tampered`. */
export function open(dataKey: DataKey, field: string, stored: string): string {
  const tampered = () => sealingError('tampered', `${field} of conversation ${dataKey.conversationId} failed authentication`);
  const match = ENVELOPE.exec(stored);
  if (!match || Number(match[1]) !== dataKey.generation) throw tampered();
  const body = Buffer.from(match[2]!, 'base64url');
  if (body.length < NONCE_BYTES + TAG_BYTES) throw tampered();
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey.key, body.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(dataKey, field));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw tampered();
  }
}
