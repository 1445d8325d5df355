// Console passwords: the rules a new one must pass, and Argon2id hashing and verification.
// The rules follow NIST SP 800-63B: length over composition, a blocklist instead of "one digit,
// one symbol", every character allowed. Argon2id is OWASP's first choice for password storage.
import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; short enough that nobody posts a novel to the hash. */
export const MAX_PASSWORD_LENGTH = 256;
/** A local part shorter than this is only refused as the whole password: "al" inside a passphrase is chance, not a hint. */
const MIN_LOCAL_PART_TO_SEARCH = 3;

/**
 * OWASP's Argon2id configuration (m=19 MiB, t=2, p=1). `algorithm` is Argon2id's value in the
 * library's const enum, written as a number because isolated modules cannot read ambient enums.
 */
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

/** The list ships lower-cased; comparing lower-cased catches "Password123!"-style case games. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

export type PasswordRule = 'too_short' | 'too_long' | 'common' | 'contains_email';
export interface PasswordProblem {
  reason: PasswordRule;
  message: string;
}

/**
 * One form for every way of typing the same text: "é" is one code point on one keyboard and two
 * on another, and NIST asks verifiers to normalise so that a device change locks nobody out.
 */
const normalize = (password: string): string => password.normalize('NFKC');

/** The mailbox name: before the last "@", without a "+tag" sub-address. */
function localParts(email: string): string[] {
  const address = normalize(email).toLowerCase();
  const local = address.slice(0, Math.max(0, address.lastIndexOf('@')));
  const untagged = local.split('+')[0]!;
  return [...new Set([local, untagged])].filter(Boolean);
}

/** Why `password` may not be chosen by the owner of `email`, or null when it may. */
export function passwordProblem(password: string, email: string): PasswordProblem | null {
  const text = normalize(password);
  const length = [...text].length; // code points: an emoji is one character, not two UTF-16 units
  if (length < MIN_PASSWORD_LENGTH) return { reason: 'too_short', message: `Use at least ${MIN_PASSWORD_LENGTH} characters` };
  if (length > MAX_PASSWORD_LENGTH) return { reason: 'too_long', message: `Use at most ${MAX_PASSWORD_LENGTH} characters` };
  const lower = text.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return { reason: 'common', message: 'This password is on a list of common passwords; choose another' };
  const mentionsEmail = localParts(email).some((local) => lower === local || ([...local].length >= MIN_LOCAL_PART_TO_SEARCH && lower.includes(local)));
  if (mentionsEmail) return { reason: 'contains_email', message: 'The password must not contain your e-mail address' };
  return null;
}

/** A PHC string ($argon2id$v=19$m=…) with its own random salt, so equal passwords never share a hash. */
export function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2);
}

/** Argon2's own verification (constant-time compare); a damaged stored hash is a mismatch, not a crash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, normalize(password));
  } catch {
    return false;
  }
}

/**
 * A hash of a random password nobody knows, made once at start with the same parameters, so a
 * dummy verification costs exactly what a real one does. Started at import, on libuv's thread
 * pool, so it is ready long before the first login.
 */
const dummyHash = hash(randomBytes(32).toString('base64url'), ARGON2);

/**
 * Burns one real verification's time for a login of an unknown address, so the answer's timing
 * does not reveal whether an account exists. Always false.
 */
export async function dummyVerify(password: string): Promise<false> {
  await verifyPassword(await dummyHash, password);
  return false;
}
