import { describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { newTotpSecret, totpEnrolmentUri, verifyTotp } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII text "12345678901234567890" (here in base32).
// The RFC prints 8-digit codes; a 6-digit code is the same HOTP value modulo 10^6, i.e. its last six digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: Array<[seconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

/** The fake clock: every verification is given its "now". */
const at = (seconds: number) => new Date(seconds * 1000);
/** What an authenticator app shows at `seconds` (otplib playing the phone's part). */
const phoneCode = (secret: string, seconds: number) => generate({ secret, epoch: seconds });

describe('TOTP codes', () => {
  it('match RFC 6238 test vectors (SHA-1, 30 s steps), truncated to 6 digits', async () => {
    for (const [seconds, eight] of RFC_VECTORS) {
      const step = Math.floor(seconds / 30);
      expect(await verifyTotp(RFC_SECRET, eight.slice(2), at(seconds), null), `T=${seconds}`).toBe(step);
    }
  });

  it('accept the previous and next 30 s step (clock drift), nothing further', async () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015; // mid-step
    const step = Math.floor(now / 30);
    expect(await verifyTotp(secret, await phoneCode(secret, now - 30), at(now), null)).toBe(step - 1);
    expect(await verifyTotp(secret, await phoneCode(secret, now), at(now), null)).toBe(step);
    expect(await verifyTotp(secret, await phoneCode(secret, now + 30), at(now), null)).toBe(step + 1);
    expect(await verifyTotp(secret, await phoneCode(secret, now - 60), at(now), null)).toBeNull();
    expect(await verifyTotp(secret, await phoneCode(secret, now + 60), at(now), null)).toBeNull();
  });

  it('refuse a replay: the step just used, and any earlier one still inside the window', async () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015;
    const code = await phoneCode(secret, now);
    const used = await verifyTotp(secret, code, at(now), null);
    expect(used).toBe(Math.floor(now / 30));
    expect(await verifyTotp(secret, code, at(now + 5), used)).toBeNull();
    expect(await verifyTotp(secret, await phoneCode(secret, now - 30), at(now + 5), used)).toBeNull();
    // The next step's code is fresh and goes through.
    expect(await verifyTotp(secret, await phoneCode(secret, now + 30), at(now + 30), used)).toBe(used! + 1);
  });

  it('refuse everything when the last used step lies ahead of the clock (clock set back), without throwing', async () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015;
    const future = Math.floor(now / 30) + 5;
    expect(await verifyTotp(secret, await phoneCode(secret, now), at(now), future)).toBeNull();
  });

  it('take a code typed with spaces, and refuse malformed ones without throwing', async () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015;
    const code = await phoneCode(secret, now);
    expect(await verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at(now), null)).toBe(Math.floor(now / 30));
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345x', '１２３４５６', '-12345', '123456\n7']) {
      expect(await verifyTotp(secret, bad, at(now), null), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('TOTP enrolment', () => {
  it('makes a fresh 160-bit base32 secret each time', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 characters = 20 bytes, RFC 4226's recommended length
    expect(newTotpSecret()).not.toBe(a);
  });

  it('gives an otpauth:// URI with issuer, account, secret and the parameters verification uses', () => {
    const secret = newTotpSecret();
    const uri = new URL(totpEnrolmentUri({ secret, issuer: 'Parley (chat.example)', account: 'ann@shop.example' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Parley (chat.example):ann@shop.example');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Parley (chat.example)');
    expect(uri.searchParams.get('algorithm') ?? 'SHA1').toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
  });
});
