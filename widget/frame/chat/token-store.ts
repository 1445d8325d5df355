// The visitor token lives only on the Parley origin (the frame), one entry per bot, so a reload
// resumes the conversation and no host-page script can read it.
//
// The frame is a third-party iframe. Browsers that block third-party cookies (Chromium's default
// now, every incognito window) also deny it localStorage, but still let it keep a *partitioned*
// cookie (CHIPS): one jar per embedding site. So: localStorage when allowed, else a partitioned
// cookie scoped to /frame.html. Both are readable only by scripts of the Parley origin; the
// frame's fetches use credentials: 'omit', so the cookie never rides along on API calls.
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

const TOKEN_CHARS = /^[A-Za-z0-9_\-.]{1,4096}$/;
const COOKIE_MAX_AGE_S = 7 * 86_400;

function local(key: string): TokenStore | null {
  try {
    const probe = `${key}:probe`;
    localStorage.setItem(probe, '1');
    localStorage.removeItem(probe);
  } catch {
    return null; // denied (third-party storage blocked) or disabled
  }
  return {
    get: () => localStorage.getItem(key),
    set: (token) => localStorage.setItem(key, token),
    clear: () => localStorage.removeItem(key),
  };
}

function partitionedCookie(key: string): TokenStore {
  const name = key.replace(/[^A-Za-z0-9_-]/g, '_');
  const attrs = `; Path=${location.pathname}; SameSite=None; Secure; Partitioned`;
  const write = (value: string, maxAge: number): void => {
    try {
      document.cookie = `${name}=${value}${attrs}; Max-Age=${maxAge}`;
    } catch {
      // cookies disabled too: the conversation lasts until the page is left
    }
  };
  return {
    get: () => {
      try {
        const pair = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
        return pair ? pair.slice(name.length + 1) : null;
      } catch {
        return null;
      }
    },
    set: (token) => write(token, COOKIE_MAX_AGE_S),
    clear: () => write('', 0),
  };
}

/** In-memory last resort, so the rest of the frame never has to care where the token is kept. */
function memory(): TokenStore {
  let token: string | null = null;
  return { get: () => token, set: (t) => (token = t), clear: () => (token = null) };
}

/**
 * One token per bot and host site: where the browser does give the frame unpartitioned storage,
 * two sites embedding the same bot must not overwrite each other's conversation (the server would
 * refuse to resume a token from another origin anyway).
 */
export function tokenStore(bot: string, hostOrigin: string): TokenStore {
  const key = `parley-token-${bot}-${hostOrigin}`;
  const store = local(key) ?? (navigator.cookieEnabled ? partitionedCookie(key) : memory());
  return {
    // Whatever comes back from storage is only trusted to look like a compact JWE.
    get: () => {
      const token = store.get();
      return token && TOKEN_CHARS.test(token) ? token : null;
    },
    set: (token) => {
      if (TOKEN_CHARS.test(token)) store.set(token);
    },
    clear: () => store.clear(),
  };
}
