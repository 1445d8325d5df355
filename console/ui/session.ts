// The signed-in session, for every screen below the shell: its CSRF token for state changes, and
// a way to replace it (a password change rotates it) or drop it (the server said it is over).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SessionInfo } from '../../common/console-wire.ts';

export interface SessionHandle {
  session: SessionInfo;
  replace: (next: SessionInfo | null) => void;
}

export const SessionContext = createContext<SessionHandle | null>(null);

export function useSession(): SessionHandle {
  const handle = useContext(SessionContext);
  if (!handle) throw new Error('useSession outside a signed-in screen');
  return handle;
}

/** The session handle when there is one (sign-in and set-password screens have none). */
export const useOptionalSession = (): SessionHandle | null => useContext(SessionContext);
