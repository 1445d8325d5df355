// A browser's SSO round trip without a browser: Parley's /sso/start, the IdP's authorization
// endpoint and login form (with the IdP's cookies kept), up to the redirect back to Parley's
// callback, which is returned unopened so a test can open it as it is, twice, or with another cookie
// (openCallback).
import { SSO_STATE_COOKIE } from '../../server/accounts/sso-state-cookie.ts';

export interface SsoReturn {
  /** Parley's callback URL with the IdP's code and state. */
  callback: string;
  /** The sealed state cookie's value that /sso/start set. */
  stateCookie: string;
}

const cookieValue = (setCookie: string, name: string): string | undefined =>
  setCookie.startsWith(`${name}=`) ? setCookie.slice(name.length + 1).split(';')[0] : undefined;

/** Opens the callback as the browser would: with the state cookie, without following the redirect. */
export const openCallback = (back: SsoReturn, stateCookie = back.stateCookie): Promise<Response> =>
  fetch(back.callback, { redirect: 'manual', headers: { cookie: `${SSO_STATE_COOKIE}=${stateCookie}` } });

export async function ssoRoundTrip(parleyUrl: string, account: string): Promise<SsoReturn> {
  const start = await fetch(`${parleyUrl}/api/v1/console/sso/start`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`/sso/start answered ${start.status}`);
  const stateCookie = start.headers.getSetCookie().map((c) => cookieValue(c, SSO_STATE_COOKIE)).find(Boolean);
  if (!stateCookie) throw new Error('/sso/start set no state cookie');
  const jar = new Map<string, string>();
  let location = start.headers.get('location')!;
  for (let hop = 0; hop < 10; hop++) {
    if (location.startsWith(`${parleyUrl}/api/v1/console/sso/callback`)) return { callback: location, stateCookie };
    const url = new URL(location);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    // The IdP's login page: answer its form with the account to sign in as.
    const login = /^\/interaction\/[^/]+$/.test(url.pathname);
    const res = await fetch(login ? `${url.href}/login` : url, {
      method: login ? 'POST' : 'GET',
      headers: { cookie, ...(login ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: login ? new URLSearchParams({ account }).toString() : undefined,
      redirect: 'manual',
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const next = res.headers.get('location');
    if (!next) throw new Error(`the IdP answered ${res.status} at ${url.pathname}: ${(await res.text()).slice(0, 300)}`);
    location = new URL(next, url).href;
  }
  throw new Error('too many redirects between Parley and the IdP');
}
