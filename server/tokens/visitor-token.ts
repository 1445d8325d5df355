// Visitor tokens: compact JWE, alg "dir", enc "A256GCM", sealed with the first configured key and
// opened with any of them (rotation without logging visitors out). Only jose touches the crypto.
//
// A token carries the identity the site vouched for (sub, level, exp), not a bare access level:
// opening it yields that level only until the identity's exp, `public` after, so an access level
// can never outlive the identity that granted it, however often the token itself is renewed.
import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type { TokenKey } from '../config/index.ts';
import type { AccessLevel, VisitorIdentity } from '../bot/engine.ts';

export interface VisitorClaims {
  visitorId: string;
  conversationId: string;
  botId: string;
  origin: string;
  locale: string;
  /** Who the site vouched for in this conversation; absent while the visitor is anonymous. */
  identity?: VisitorIdentity;
}

export interface OpenedToken extends VisitorClaims {
  /** The identity's level until its exp; `public` without one, and after. */
  access: AccessLevel;
  expiresAt: Date;
  jti: string;
}

const ISSUER = 'parley';
const AUDIENCE = 'parley:visitor';
const TYP = 'parley-visitor+jwe';
const LEVELS: readonly string[] = ['verified', 'premium'];
/**
 * Tokens opened lately, kept by their whole text: a visitor sends the same token with every request,
 * and jose's decryption (WebCrypto, a hop to the thread pool) was ~6 % of the server's CPU at 250
 * turns/s (issue 17). Only what decrypted and verified is kept, so a token string not issued by us
 * never reads from here; `exp` is checked against the clock on every use, as jose does. ~1 KB each.
 */
const OPENED_TOKENS = 20_000;

export interface TokenSealer {
  seal(claims: VisitorClaims, now?: Date): Promise<{ token: string; expiresAt: Date }>;
  /** The claims of an authentic, unexpired token; null for anything else. */
  open(token: string, now?: Date): Promise<OpenedToken | null>;
  /** Like open, but accepts a token that expired less than the renew window ago. */
  openForRenewal(token: string, now?: Date): Promise<OpenedToken | null>;
}

/** The sealed identity: absent (anonymous), or all three of isub, ilvl, iexp; null when malformed. */
function toIdentity(payload: Record<string, unknown>): VisitorIdentity | undefined | null {
  const { isub, ilvl, iexp } = payload;
  if (isub === undefined && ilvl === undefined && iexp === undefined) return undefined;
  if (typeof isub !== 'string' || typeof iexp !== 'number' || !LEVELS.includes(ilvl as string)) return null;
  return { sub: isub, level: ilvl as VisitorIdentity['level'], expiresAt: new Date(iexp * 1000) };
}

function toClaims(payload: JWTPayload, now: Date): OpenedToken | null {
  const { vid, cid, bot, origin, loc, exp, jti } = payload as Record<string, unknown>;
  const strings = [vid, cid, bot, origin, loc, jti];
  if (strings.some((v) => typeof v !== 'string') || typeof exp !== 'number') return null;
  const identity = toIdentity(payload);
  if (identity === null) return null;
  return {
    visitorId: vid as string,
    conversationId: cid as string,
    botId: bot as string,
    origin: origin as string,
    locale: loc as string,
    ...(identity ? { identity } : {}),
    access: identity && identity.expiresAt > now ? identity.level : 'public',
    expiresAt: new Date(exp * 1000),
    jti: jti as string,
  };
}

export function createTokenSealer(keys: TokenKey[], ttlMs: number, renewWindowMs: number): TokenSealer {
  const [sealing] = keys;
  if (!sealing) throw new Error('at least one token key is required');
  const byKid = new Map(keys.map((k) => [k.kid, k.key]));
  const opened = new LRUCache<string, JWTPayload>({ max: OPENED_TOKENS });

  /** `currentDate` is what the token's own exp is checked against; `now` is when it is used. */
  async function decrypt(token: string, currentDate: Date, now: Date): Promise<OpenedToken | null> {
    if (typeof token !== 'string' || token.length > 4096) return null;
    const known = opened.get(token);
    // jose's own rule: expired once exp is at or before the current second.
    if (known) return known.exp! > Math.floor(currentDate.getTime() / 1000) ? toClaims(known, now) : null;
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
      opened.set(token, payload);
      return toClaims(payload, now);
    } catch {
      // Tampered, foreign-key, wrong-algorithm, malformed and expired tokens all look the same.
      return null;
    }
  }

  return {
    async seal(claims, now = new Date()) {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + Math.floor(ttlMs / 1000);
      const { identity } = claims;
      const token = await new EncryptJWT({
        vid: claims.visitorId,
        cid: claims.conversationId,
        bot: claims.botId,
        origin: claims.origin,
        loc: claims.locale,
        ...(identity ? { isub: identity.sub, ilvl: identity.level, iexp: Math.floor(identity.expiresAt.getTime() / 1000) } : {}),
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
    open: (token, now = new Date()) => decrypt(token, now, now),
    openForRenewal: (token, now = new Date()) => decrypt(token, new Date(now.getTime() - renewWindowMs), now),
  };
}
