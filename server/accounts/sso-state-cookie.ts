// The SSO round trip's own cookie: state, nonce and PKCE verifier between /sso/start and
// /sso/callback. Sealed (JWE, A256GCM, a key derived from TOKEN_KEYS) so the browser can neither
// read nor forge it; __Host- so no sibling subdomain can plant one; SameSite=Lax because the
// return leg is a top-level navigation from the IdP's site, which a Strict cookie would miss.
import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { TokenKey } from '../config/index.ts';
import type { SsoChecks } from './oidc.ts';

export const SSO_STATE_COOKIE = '__Host-parley_sso';
/** Long enough to sign in at the IdP, short enough that a stray cookie dies soon. */
export const SSO_STATE_TTL_S = 600;
const ATTRIBUTES = 'HttpOnly; Secure; SameSite=Lax; Path=/';
const AUDIENCE = 'parley:console-sso';

/** Its own key per TOKEN_KEYS entry: a sealed SSO state can never open as a visitor token, or back. */
const stateKey = (key: TokenKey): Uint8Array => new Uint8Array(hkdfSync('sha256', key.key, new Uint8Array(0), 'parley console sso state', 32));

export async function sealSsoState(keys: TokenKey[], checks: SsoChecks): Promise<string> {
  const [first] = keys;
  const sealed = await new EncryptJWT({ ...checks })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: first!.kid })
    .setAudience(AUDIENCE)
    .setExpirationTime(`${SSO_STATE_TTL_S}s`)
    .encrypt(stateKey(first!));
  return `${SSO_STATE_COOKIE}=${sealed}; ${ATTRIBUTES}; Max-Age=${SSO_STATE_TTL_S}`;
}

/** The checks in an authentic, unexpired cookie value; null for anything else. */
export async function openSsoState(keys: TokenKey[], value: string | undefined): Promise<SsoChecks | null> {
  if (!value) return null;
  for (const key of keys) {
    try {
      const { payload } = await jwtDecrypt(value, stateKey(key), { audience: AUDIENCE });
      const { state, nonce, verifier } = payload;
      if (typeof state === 'string' && typeof nonce === 'string' && typeof verifier === 'string') return { state, nonce, verifier };
    } catch {
      // not this key, or not a sealed state at all
    }
  }
  return null;
}

export const clearedSsoStateCookie = (): string => `${SSO_STATE_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`;
