// Data keys are stored wrapped by a key-encryption key from STORAGE_KEYS (AES-256-GCM, the
// conversation id and generation as associated data, so a wrapped key moved to another
// conversation does not unwrap). The first key of STORAGE_KEYS wraps new data keys; every listed
// key unwraps the ones it wrapped, which is what lets rotate-storage-key move them over in steps.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { NamedKey } from '../../config/index.ts';

/** A data key as the key store keeps it. */
export interface WrappedKey {
  conversationId: string;
  generation: number;
  /** The STORAGE_KEYS entry that wrapped it. */
  kid: string;
  /** nonce (12) ‖ ciphertext (32) ‖ tag (16). */
  wrapped: Buffer;
  createdAt: Date;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function associatedData(conversationId: string, generation: number, kid: string): Buffer {
  return Buffer.from(`parley-data-key-v1\0${conversationId}\0${generation}\0${kid}`, 'utf8');
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

export function wrapDataKey(kek: NamedKey, conversationId: string, generation: number, dataKey: Buffer): WrappedKey {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, nonce);
  cipher.setAAD(associatedData(conversationId, generation, kek.kid));
  const wrapped = Buffer.concat([nonce, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  return { conversationId, generation, kid: kek.kid, wrapped, createdAt: new Date() };
}

/** The data key, or why it cannot be had: its KEK is not configured, or the KEK given is not the one that wrapped it. */
export function unwrapDataKey(keks: readonly NamedKey[], record: WrappedKey): Buffer | 'unknown kid' | 'wrong key' {
  const kek = keks.find((k) => k.kid === record.kid);
  if (!kek) return 'unknown kid';
  const { wrapped } = record;
  if (wrapped.length !== NONCE_BYTES + 32 + TAG_BYTES) return 'wrong key';
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, wrapped.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(record.conversationId, record.generation, record.kid));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    return Buffer.concat([decipher.update(wrapped.subarray(NONCE_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return 'wrong key';
  }
}
