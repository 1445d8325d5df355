import { describe, expect, it } from 'vitest';
import { newRecoveryCodes, matchRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.ts';

describe('recovery codes', () => {
  it('are 10 different random codes, shown once in clear and kept only as Argon2id hashes', async () => {
    const { codes, hashes } = await newRecoveryCodes();
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/); // 60 random bits
    expect(hashes).toHaveLength(10);
    for (const [i, hash] of hashes.entries()) {
      expect(hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      expect(hash).not.toContain(codes[i]!.replace(/-/g, ''));
    }
    const again = await newRecoveryCodes();
    expect(again.codes.filter((code) => codes.includes(code))).toEqual([]);
  });

  it('a code matches exactly its own hash; once that hash is gone (used), the code matches nothing', async () => {
    const { codes, hashes } = await newRecoveryCodes();
    expect(await matchRecoveryCode(hashes, codes[3]!)).toBe(hashes[3]);
    const remaining = hashes.filter((_, i) => i !== 3);
    expect(await matchRecoveryCode(remaining, codes[3]!)).toBeNull();
    // The others still work.
    expect(await matchRecoveryCode(remaining, codes[9]!)).toBe(hashes[9]);
  });

  it('are read the way people type them: any case, with or without dashes and spaces', async () => {
    const { codes, hashes } = await newRecoveryCodes();
    const typed = ` ${codes[0]!.replace(/-/g, ' ').toUpperCase()} `;
    expect(await matchRecoveryCode(hashes, typed)).toBe(hashes[0]);
  });

  it('refuse wrong and malformed codes without throwing', async () => {
    const { hashes } = await newRecoveryCodes();
    for (const bad of ['', 'aaaa-aaaa-aaaa', 'aaaa-aaaa-aaa', '1111-1111-1111', 'x'.repeat(10_000), '💥💥💥💥-💥💥💥💥-💥💥💥💥']) {
      expect(await matchRecoveryCode(hashes, bad), bad.slice(0, 20)).toBeNull();
    }
    expect(await matchRecoveryCode([], 'aaaa-aaaa-aaaa')).toBeNull();
  });
});
