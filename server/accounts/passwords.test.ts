import { describe, expect, it } from 'vitest';
import { dictionary } from '@zxcvbn-ts/language-common';
import { dummyVerify, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { medianMs } from '../../test/helpers/timing.ts';

const EMAIL = 'ann.lee@shop.example';
const GOOD = 'tidal-lantern-87-orbit';

/** The parameters written into a PHC string: $argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>. */
function phc(stored: string) {
  const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (!match) throw new Error(`not a PHC string: ${stored}`);
  const [, algorithm, version, m, t, p, salt] = match;
  return { algorithm, version: Number(version), m: Number(m), t: Number(t), p: Number(p), saltBytes: Buffer.from(salt!, 'base64').length };
}

describe('password rules', () => {
  it('accepts a long, uncommon password that does not contain the address', () => {
    expect(passwordProblem(GOOD, EMAIL)).toBeNull();
  });

  it('needs at least 12 characters, counted as code points, not UTF-16 units', () => {
    expect(passwordProblem('short-pass1', EMAIL)?.reason).toBe('too_short'); // 11
    expect(passwordProblem('short-pass12', EMAIL)).toBeNull(); // 12
    // 11 emoji are 22 UTF-16 units but 11 characters: still too short.
    expect(passwordProblem('🔒'.repeat(11), EMAIL)?.reason).toBe('too_short');
    expect(passwordProblem('🔒'.repeat(12), EMAIL)).toBeNull();
  });

  it('takes at most 256 characters', () => {
    expect(passwordProblem('x7'.repeat(128), EMAIL)).toBeNull();
    expect(passwordProblem('x7'.repeat(128) + 'q', EMAIL)?.reason).toBe('too_long');
  });

  it('refuses every entry of the shipped common-password list that is long enough, in any letter case', () => {
    const longCommon = dictionary['passwords-common'].filter((word) => [...word].length >= 12);
    expect(longCommon.length).toBeGreaterThan(100); // the list really is there, not an empty import
    for (const word of longCommon) expect(passwordProblem(word, EMAIL)?.reason, word).toBe('common');
    expect(passwordProblem('QwErTy123456', EMAIL)?.reason).toBe('common');
  });

  it('refuses the e-mail local part, alone or inside the password, in any letter case', () => {
    expect(passwordProblem('ann.lee.ann.lee', 'ann.lee.ann.lee@shop.example')?.reason).toBe('contains_email');
    expect(passwordProblem('my-ANN.LEE-secret', EMAIL)?.reason).toBe('contains_email');
    // A sub-address tag does not hide the mailbox name.
    expect(passwordProblem('annlee-forever-2025', 'annlee+console@shop.example')?.reason).toBe('contains_email');
  });

  it('does not refuse every password holding a letter or two of a very short local part', () => {
    expect(passwordProblem('tidal-lantern-87', 'al@shop.example')).toBeNull();
    expect(passwordProblem('al', 'al@shop.example')?.reason).toBe('too_short');
  });

  it('reads composed and decomposed accents as the same password (NFKC), so a device change does not lock anyone out', async () => {
    const composed = 'café-lantern-87';
    const decomposed = 'cafe\u0301-lantern-87';
    const stored = await hashPassword(composed);
    expect(await verifyPassword(stored, decomposed)).toBe(true);
  });
});

describe('password hashes', () => {
  it('are Argon2id with at least the OWASP parameters (19 MiB, 2 passes, 1 lane) and a 16-byte salt', async () => {
    const params = phc(await hashPassword(GOOD));
    expect(params.algorithm).toBe('argon2id');
    expect(params.version).toBe(19);
    expect(params.m).toBeGreaterThanOrEqual(19_456);
    expect(params.t).toBeGreaterThanOrEqual(2);
    expect(params.p).toBeGreaterThanOrEqual(1);
    expect(params.saltBytes).toBeGreaterThanOrEqual(16);
  });

  it('differ for two users with the same password, and each verifies', async () => {
    const [a, b] = await Promise.all([hashPassword(GOOD), hashPassword(GOOD)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, GOOD)).toBe(true);
    expect(await verifyPassword(b, GOOD)).toBe(true);
  });

  it('refuse a wrong password, one differing only in letter case, and never throw on a damaged hash', async () => {
    const stored = await hashPassword(GOOD);
    expect(await verifyPassword(stored, GOOD + 'x')).toBe(false);
    expect(await verifyPassword(stored, GOOD.toUpperCase())).toBe(false);
    expect(await verifyPassword('not a hash', GOOD)).toBe(false);
    expect(await verifyPassword(stored.slice(0, -5), GOOD)).toBe(false);
  });

  it('dummyVerify never succeeds and costs what a real verification costs, so timing does not tell unknown users from known ones', async () => {
    const stored = await hashPassword(GOOD);
    expect(await dummyVerify(GOOD)).toBe(false);
    expect(await dummyVerify('')).toBe(false);
    await dummyVerify('warm-up');
    const [real, dummy] = await medianMs(() => verifyPassword(stored, 'wrong-password-1'), () => dummyVerify('wrong-password-1'), 7);
    // A shortcut (no Argon2 run) would be orders of magnitude faster; a loaded 2-core machine once
    // gave 2.01 for two equal runs, so the bounds allow a factor of three either way, no more.
    expect(dummy / real).toBeGreaterThan(1 / 3);
    expect(dummy / real).toBeLessThan(3);
  });
});
