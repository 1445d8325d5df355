// A single sign-on that waits for its second factor (docs/console.md, "Single sign-on"): the IdP
// has vouched for a user who has TOTP, which is not yet a session. The callback stores a one-time
// token (purpose `sso-second-factor`, 5 minutes: long enough to open the authenticator app) and
// hands its random value to this browser alone, in a __Host- cookie the page's scripts cannot read;
// the code form spends it, right code or wrong, so each login at the IdP buys one try. Kept in the
// store, not in a sealed cookie, because only the store can make it single use on every instance.
import { randomBytes } from 'node:crypto';
import type { ConsoleStore } from '../store/console-store.ts';
import { linkTokenHash } from './one-time-links.ts';

export const SSO_PENDING_COOKIE = '__Host-parley_sso_pending';
export const SSO_PENDING_TTL_S = 300;
/** Strict: only the console's own page sends it back (the code form's request is same-site). */
const ATTRIBUTES = 'HttpOnly; Secure; SameSite=Strict; Path=/';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

/** Stores a pending sign-in of `userId` and returns the Set-Cookie value that gives it to this browser. */
export async function beginPendingSignIn(store: Pick<ConsoleStore, 'createOneTimeToken'>, userId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SSO_PENDING_TTL_S * 1000);
  await store.createOneTimeToken({ tokenHash: linkTokenHash(token), userId, purpose: 'sso-second-factor', expiresAt });
  return `${SSO_PENDING_COOKIE}=${token}; ${ATTRIBUTES}; Max-Age=${SSO_PENDING_TTL_S}`;
}

/** The user of the live pending sign-in the cookie names, spending it; null for anything else (none, forged, used, expired). */
export async function takePendingSignIn(store: Pick<ConsoleStore, 'consumeOneTimeToken'>, value: string | undefined, now: Date): Promise<string | null> {
  if (value === undefined || !TOKEN_SHAPE.test(value)) return null;
  return (await store.consumeOneTimeToken(linkTokenHash(value), 'sso-second-factor', now))?.userId ?? null;
}

export const clearedPendingCookie = (): string => `${SSO_PENDING_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`;
