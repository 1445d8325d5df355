// Recovery codes: the way back in when the phone with the authenticator is lost. Shown once at
// enrolment, stored only as Argon2id hashes (with the password's parameters, so a stolen database
// gives no cheaper guess than a password does), and each one works once.
import { randomInt } from 'node:crypto';
import { hashPassword, verifyPassword } from './passwords.ts';

export const RECOVERY_CODE_COUNT = 10;
/** Base32's letters and digits, lower case: no 0/O or 1/l pairs to misread from paper. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 12 characters × 5 bits = 60 random bits, behind Argon2id and the login rate limit. */
const CODE_LENGTH = 12;
const GROUP = 4;

function randomCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]!).join('');
  return chars.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** Case, dashes and spaces are how people copy codes from paper, not part of the code. */
const canonical = (typed: string): string => typed.toLowerCase().replace(/[\s-]+/g, '');

/** Fresh codes to show the user once, and the hashes to store in their place. */
export async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(randomCode());
  const list = [...codes];
  return { codes: list, hashes: await Promise.all(list.map((code) => hashPassword(canonical(code)))) };
}

/**
 * The stored hash that `typed` matches, or null when it matches none. The caller uses it up with
 * the store's useRecoveryCode, which lets only one of several racing logins have it. Every hash is
 * checked, not just until the first match, so the time taken does not depend on which code was used.
 */
export async function matchRecoveryCode(hashes: readonly string[], typed: string): Promise<string | null> {
  const code = canonical(typed);
  if (code.length !== CODE_LENGTH || [...code].some((c) => !ALPHABET.includes(c))) return null;
  let match: string | null = null;
  for (const hash of hashes) {
    if ((await verifyPassword(hash, code)) && match === null) match = hash;
  }
  return match;
}
