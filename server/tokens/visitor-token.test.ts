import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { CompactEncrypt, EncryptJWT, SignJWT, base64url } from 'jose';
import { createTokenSealer, type VisitorClaims } from './visitor-token.ts';

const key = (kid: string) => ({ kid, key: new Uint8Array(randomBytes(32)) });
const claims: VisitorClaims = {
  visitorId: 'v1',
  conversationId: 'c'.repeat(22),
  botId: 'demo',
  origin: 'https://shop.example',
  locale: 'en',
};
const HOUR = 3_600_000;

function flipBit(token: string, part: number): string {
  const parts = token.split('.');
  const bytes = base64url.decode(parts[part]!);
  bytes[Math.floor(bytes.length / 2)]! ^= 1;
  parts[part] = base64url.encode(bytes);
  return parts.join('.');
}

describe('visitor tokens', () => {
  const current = key('k2');
  const retired = key('k1');
  const sealer = createTokenSealer([current, retired], HOUR, 24 * HOUR);
  /** An authentic token (right key, typ, issuer, audience) with any payload: shapes seal() never makes. */
  const sealedByHand = (payload: Record<string, unknown>) =>
    new EncryptJWT(payload)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k2', typ: 'parley-visitor+jwe' })
      .setIssuer('parley')
      .setAudience('parley:visitor')
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti('j')
      .encrypt(current.key);

  it('seals a compact JWE with dir/A256GCM and a kid, and opens it', async () => {
    const { token, expiresAt } = await sealer.seal(claims);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: 'k2' });
    expect(token.split('.')).toHaveLength(5);
    const opened = await sealer.open(token);
    expect(opened).toMatchObject(claims);
    expect(opened!.expiresAt.getTime()).toBe(expiresAt.getTime());
  });

  it('opens tokens sealed with a key that is no longer the first (rotation)', async () => {
    const old = createTokenSealer([retired], HOUR, HOUR);
    const { token } = await old.seal(claims);
    expect(await sealer.open(token)).toMatchObject(claims);
  });

  it('refuses a token of a key it does not hold, or with an unknown kid', async () => {
    const stranger = createTokenSealer([key('k2')], HOUR, HOUR);
    const { token } = await stranger.seal(claims);
    expect(await sealer.open(token)).toBeNull();
    const unknownKid = await createTokenSealer([{ kid: 'zz', key: current.key }], HOUR, HOUR).seal(claims);
    expect(await sealer.open(unknownKid.token)).toBeNull();
  });

  it('refuses a flipped bit in any part, also of a token opened a moment ago (opened tokens are kept by their whole text)', async () => {
    const { token } = await sealer.seal(claims);
    expect(await sealer.open(token)).toMatchObject(claims);
    for (const part of [0, 2, 3, 4]) expect(await sealer.open(flipBit(token, part)), `part ${part}`).toBeNull();
  });

  it('refuses malformed shapes: 4 or 6 parts, empty parts, JWS, garbage', async () => {
    const { token } = await sealer.seal(claims);
    const parts = token.split('.');
    const jws = await new SignJWT({ cid: claims.conversationId }).setProtectedHeader({ alg: 'HS256', kid: 'k2' }).sign(current.key);
    for (const bad of [parts.slice(0, 4).join('.'), [...parts, 'x'].join('.'), '....', jws, '', 'a'.repeat(5000)]) {
      expect(await sealer.open(bad)).toBeNull();
    }
  });

  it('refuses other algorithms and encodings even with the right key', async () => {
    const plaintext = new TextEncoder().encode(JSON.stringify({ vid: 'v', cid: 'c', exp: 9e9, iat: 1, jti: 'j' }));
    const cbc = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'dir', enc: 'A128CBC-HS256', kid: 'k2' }).encrypt(current.key);
    const kw = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM', kid: 'k2' }).encrypt(current.key);
    expect(await sealer.open(cbc)).toBeNull();
    expect(await sealer.open(kw)).toBeNull();
  });

  it('refuses a JWE of the right key without our typ, issuer and audience', async () => {
    const foreign = await new EncryptJWT({ vid: 'v', cid: 'c', bot: 'demo', origin: 'o', lvl: 'premium', loc: 'en' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k2' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti('j')
      .encrypt(current.key);
    expect(await sealer.open(foreign)).toBeNull();
  });

  // Each token below is opened again and again: the later opens come from the tokens kept opened,
  // which must check exp, the renew window and the identity's exp every time, as jose does.
  it('expires, and can be renewed only within the renew window', async () => {
    const sealedAt = new Date('2026-01-01T00:00:00Z');
    const { token } = await sealer.seal(claims, sealedAt);
    const justBefore = new Date(sealedAt.getTime() + HOUR - 1000);
    const justAfter = new Date(sealedAt.getTime() + HOUR + 1000);
    expect(await sealer.open(token, justBefore)).not.toBeNull();
    expect(await sealer.open(token, justAfter)).toBeNull();
    expect(await sealer.openForRenewal(token, justAfter)).toMatchObject(claims);
    expect(await sealer.openForRenewal(token, new Date(sealedAt.getTime() + 26 * HOUR))).toBeNull();
  });

  it('grants an identity\'s level only until the identity\'s exp, however the token is opened', async () => {
    const sealedAt = new Date('2026-01-01T00:00:00Z');
    const identity = { sub: 'ada', level: 'premium' as const, expiresAt: new Date(sealedAt.getTime() + 10 * 60_000) };
    const { token } = await sealer.seal({ ...claims, identity }, sealedAt);
    const during = await sealer.open(token, new Date(sealedAt.getTime() + 5 * 60_000));
    expect(during).toMatchObject({ access: 'premium', identity });
    // The visitor token (1 h) is still valid; the identity (10 min) is not: public, but still ada's.
    const after = await sealer.open(token, new Date(sealedAt.getTime() + 11 * 60_000));
    expect(after).toMatchObject({ access: 'public', identity });
    // Renewal shifts the clock the token's own exp is checked against, never the identity's.
    const renewing = await sealer.openForRenewal(token, new Date(sealedAt.getTime() + 2 * HOUR));
    expect(renewing).toMatchObject({ access: 'public', identity });
  });

  it('is public without an identity, and for a token that carries a bare level of the old format', async () => {
    expect(await sealer.open((await sealer.seal(claims)).token)).toMatchObject({ access: 'public' });
    const opened = await sealer.open(await sealedByHand({ vid: 'v', cid: 'c', bot: 'demo', origin: 'o', lvl: 'premium', loc: 'en' }));
    expect(opened).toMatchObject({ access: 'public' });
    expect(opened!.identity).toBeUndefined();
  });

  it('refuses a token whose identity is only partly there', async () => {
    const partial = await sealedByHand({ vid: 'v', cid: 'c', bot: 'demo', origin: 'o', loc: 'en', isub: 'ada', ilvl: 'premium' });
    expect(await sealer.open(partial)).toBeNull();
  });

  it('never repeats an IV', async () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i++) ivs.add((await sealer.seal(claims)).token.split('.')[2]!);
    expect(ivs.size).toBe(2000);
  });
});
