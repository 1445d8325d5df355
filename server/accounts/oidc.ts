// Console single sign-on, the OpenID Connect part: discovery at start, the authorization URL
// (code flow, PKCE S256, state, nonce), and the callback's checks, all done by openid-client.
// What comes out is only who the IdP says this is (`iss|sub`, e-mail and whether it is verified):
// which console user that is, and the role, is the console's business (routes/console/sso.ts).
import * as client from 'openid-client';
import type { OidcConfig } from '../config/index.ts';

export interface OidcClient {
  label: string;
  /** Where to send the browser, and what the callback must find again (kept in the state cookie). */
  begin(redirectUri: string): Promise<{ url: URL; checks: SsoChecks }>;
  /** The IdP's answer at `currentUrl`, checked against `checks`; throws on anything wrong. */
  finish(currentUrl: URL, checks: SsoChecks): Promise<SsoIdentity>;
}

export interface SsoChecks {
  state: string;
  nonce: string;
  verifier: string;
}

export interface SsoIdentity {
  /** `iss|sub`: `sub` alone is only unique per issuer. */
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/** Plain http only for an IdP on this machine (tests, development); anywhere else TLS is required. */
const isLoopback = (url: URL): boolean => url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/** Discovers the issuer; a failure is one line for the operator (the library's message names the cause). */
export async function discoverOidc(config: OidcConfig): Promise<OidcClient> {
  const issuer = new URL(config.issuer);
  const auth = config.clientSecret === undefined ? client.None() : client.ClientSecretBasic(config.clientSecret);
  let configuration: client.Configuration;
  try {
    configuration = await client.discovery(issuer, config.clientId, undefined, auth, {
      execute: isLoopback(issuer) ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
  } catch (err) {
    throw new Error(`OIDC_ISSUER: cannot discover ${issuer.href} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return {
    label: config.label,
    async begin(redirectUri) {
      const checks = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: 'openid email',
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },
    async finish(currentUrl, checks) {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      // Many IdPs put e-mail in the ID token only on request; the UserInfo answer must be about the same `sub`.
      const info = claims.email === undefined && configuration.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(configuration, tokens.access_token, claims.sub) : claims;
      return {
        subject: `${claims.iss}|${claims.sub}`,
        email: typeof info.email === 'string' ? info.email : null,
        emailVerified: info.email_verified === true,
      };
    },
  };
}
