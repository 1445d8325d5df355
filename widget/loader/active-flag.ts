// Remembers in the host page's localStorage only *that* a conversation is ongoing (a boolean), so
// the next page load can start the frame early. The token itself never leaves the frame's storage.
const key = (bot: string): string => `parley:active:${bot}`;

export function readActive(bot: string): boolean {
  try {
    return localStorage.getItem(key(bot)) === '1';
  } catch {
    return false; // storage disabled: behave like a first visit
  }
}

export function writeActive(bot: string, active: boolean): void {
  try {
    if (active) localStorage.setItem(key(bot), '1');
    else localStorage.removeItem(key(bot));
  } catch {
    // storage disabled or full: the frame still starts when the visitor opens the chat
  }
}
