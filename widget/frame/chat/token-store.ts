// The visitor token lives only in the frame's own storage (the Parley origin), one key per bot,
// so a reload resumes the conversation and no host-page script can read it.
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function tokenStore(bot: string): TokenStore {
  const key = `parley:token:${bot}`;
  return {
    get: () => {
      try {
        return localStorage.getItem(key);
      } catch {
        return null; // storage blocked: every load is a new conversation
      }
    },
    set: (token) => {
      try {
        localStorage.setItem(key, token);
      } catch {
        // storage blocked: the conversation still works until the page is left
      }
    },
    clear: () => {
      try {
        localStorage.removeItem(key);
      } catch {
        // nothing stored
      }
    },
  };
}
