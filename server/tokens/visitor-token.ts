// Visitor tokens: compact JWE, alg "dir", enc "A256GCM", sealed with the first configured key and
// opened with any of them (rotation without logging visitors out). Only jose touches the crypto.
import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import type { TokenKey } from '../config/index.ts';
import type { AccessLevel } from '../bot/engine.ts';

export interface VisitorClaims {
  visitorId: string;
  conversationId: string;
  botId: string;
  origin: string;
  access: AccessLevel;
  locale: string;
}

export interface OpenedToken extends VisitorClaims {
  expiresAt: Date;
  jti: string;
}

const ISSUER = 'parley';
const AUDIENCE = 'parley:visitor';
const TYP = 'parley-visitor+jwe';
const LEVELS: readonly string[] = ['public', 'verified', 'premium'];

export interface TokenSealer {
  seal(claims: VisitorClaims, now?: Date): Promise<{ token: string; expiresAt: Date }>;
  /** The claims of an authentic, unexpired token; null for anything else. */
  open(token: string, now?: Date): Promise<OpenedToken | null>;
  /** Like open, but accepts a token that expired less than the renew window ago. */
  openForRenewal(token: string, now?: Date): Promise<OpenedToken | null>;
}

function toClaims(payload: JWTPayload): OpenedToken | null {
  const { vid, cid, bot, origin, lvl, loc, exp, jti } = payload as Record<string, unknown>;
  const strings = [vid, cid, bot, origin, lvl, loc, jti];
  if (strings.some((v) => typeof v !== 'string') || typeof exp !== 'number' || !LEVELS.includes(lvl as string)) return null;
  return {
    visitorId: vid as string,
    conversationId: cid as string,
    botId: bot as string,
    origin: origin as string,
    access: lvl as AccessLevel,
    locale: loc as string,
    expiresAt: new Date(exp * 1000),
    jti: jti as string,
  };
}

export function createTokenSealer(keys: TokenKey[], ttlMs: number, renewWindowMs: number): TokenSealer {
  const [sealing] = keys;
  if (!sealing) throw new Error('at least one token key is required');
  const byKid = new Map(keys.map((k) => [k.kid, k.key]));

  async function decrypt(token: string, currentDate: Date): Promise<OpenedToken | null> {
    if (typeof token !== 'string' || token.length > 4096) return null;
    try {
      const { payload } = await jwtDecrypt(
        token,
        (header) => {
          const key = header.kid ? byKid.get(header.kid) : undefined;
          if (!key) throw new Error('unknown kid');
          return key;
        },
        {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          issuer: ISSUER,
          audience: AUDIENCE,
          typ: TYP,
          requiredClaims: ['exp', 'iat', 'jti'],
          currentDate,
        },
      );
      return toClaims(payload);
    } catch {
      // Tampered, foreign-key, wrong-algorithm, malformed and expired tokens all look the same.
      return null;
    }
  }

  return {
    async seal(claims, now = new Date()) {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + Math.floor(ttlMs / 1000);
      const token = await new EncryptJWT({
        vid: claims.visitorId,
        cid: claims.conversationId,
        bot: claims.botId,
        origin: claims.origin,
        lvl: claims.access,
        loc: claims.locale,
      })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: sealing.kid, typ: TYP })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .encrypt(sealing.key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    open: (token, now = new Date()) => decrypt(token, now),
    openForRenewal: (token, now = new Date()) => decrypt(token, new Date(now.getTime() - renewWindowMs)),
  };
}
