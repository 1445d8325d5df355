// The console shell: checks for a session, then shows sign-in, set-password (one-time link) or the
// signed-in screens with their navigation. Every role works handovers (their bots; administrators
// every bot); supervisors and administrators browse conversations and read reports; administrators
// also get Users, Bots (data protection), Webhooks, Data requests and Audit log. The server refuses those
// routes to anyone else whatever this menu shows, and anyone else who opens one by its path
// (/console/users) is told it is not for their role.
import { useEffect, useState } from 'preact/hooks';
import { CONSOLE_ROLES, type ConsoleRole, type SessionInfo } from '../../common/console-wire.ts';
import { currentSession } from '../api.ts';
import { Account } from './account.tsx';
import { Audit } from './audit.tsx';
import { Conversations } from './conversations/screen.tsx';
import { usePresence } from './handovers/presence.ts';
import { Handovers } from './handovers/screen.tsx';
import { Heading } from './heading.tsx';
import { Home } from './home.tsx';
import { Reports } from './reports/screen.tsx';
import { SessionContext } from './session.ts';
import { SetPassword } from './set-password.tsx';
import { SignIn } from './sign-in.tsx';
import { Users } from './users.tsx';
import { BotSettings } from './data-protection/bot-settings.tsx';
import { SubjectRequests } from './data-protection/subject-requests.tsx';
import { Webhooks } from './webhooks/screen.tsx';

type Screen = 'home' | 'handovers' | 'conversations' | 'reports' | 'account' | 'users' | 'bots' | 'webhooks' | 'data-requests' | 'audit';

const EVERYONE: readonly ConsoleRole[] = CONSOLE_ROLES;
const ADMINISTRATORS: readonly ConsoleRole[] = ['administrator'];
/** Who oversees bots: administrators every bot, supervisors their own (roles.ts, e.g. reports.read). */
const OVERSEERS: readonly ConsoleRole[] = ['administrator', 'supervisor'];

/** Each screen and the roles whose menu shows it (roles.ts decides on the server either way). */
const SCREENS: { id: Screen; label: string; roles: readonly ConsoleRole[] }[] = [
  { id: 'home', label: 'Home', roles: EVERYONE },
  { id: 'handovers', label: 'Handovers', roles: EVERYONE },
  { id: 'conversations', label: 'Conversations', roles: OVERSEERS },
  { id: 'reports', label: 'Reports', roles: OVERSEERS },
  { id: 'account', label: 'Account', roles: EVERYONE },
  { id: 'users', label: 'Users', roles: ADMINISTRATORS },
  { id: 'bots', label: 'Bots', roles: ADMINISTRATORS },
  { id: 'webhooks', label: 'Webhooks', roles: ADMINISTRATORS },
  { id: 'data-requests', label: 'Data requests', roles: ADMINISTRATORS },
  { id: 'audit', label: 'Audit log', roles: ADMINISTRATORS },
];

/** A screen named by the path (/console/users…), so a bookmark or a typed address opens it. */
function screenInPath(): Screen {
  const name = location.pathname.replace(/^\/console\/?/, '').replace(/\/$/, '');
  return SCREENS.find((s) => s.id === name)?.id ?? 'home';
}

const ROLE_PLURAL: Record<ConsoleRole, string> = { administrator: 'administrators', supervisor: 'supervisors', operator: 'operators' };

/** A screen of other roles asked for: said plainly (the server refuses its API anyway). */
function Refused({ roles }: { roles: readonly ConsoleRole[] }) {
  return (
    <>
      <Heading>Not available to your role</Heading>
      <p role="alert">Only {roles.map((r) => ROLE_PLURAL[r]).join(' and ')} may open this page.</p>
    </>
  );
}

function SignedIn({ session, replace }: { session: SessionInfo; replace: (next: SessionInfo | null, notice?: string) => void }) {
  return (
    <SessionContext.Provider value={{ session, replace }}>
      <Screens session={session} onSignedOut={(notice) => replace(null, notice)} />
    </SessionContext.Provider>
  );
}

/** The navigation and the current screen, inside the session's context (its hooks need it). */
function Screens({ session, onSignedOut }: { session: SessionInfo; onSignedOut: (notice: string) => void }) {
  const [screen, setScreen] = useState<Screen>(screenInPath);
  const shown = SCREENS.filter((s) => s.roles.includes(session.user.role));
  const current = shown.some((s) => s.id === screen) ? screen : 'refused';
  // Here, not in the Handovers screen: moving to another screen must not take the operator offline.
  const presence = usePresence(session.csrfToken);
  return (
    <>
      <nav aria-label="Console">
        <ul class="nav">
          {shown.map((s) => (
            <li key={s.id}>
              <button type="button" aria-current={s.id === current ? 'page' : undefined} onClick={() => setScreen(s.id)}>
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {current === 'home' && <Home onSignedOut={onSignedOut} />}
        {current === 'handovers' && <Handovers presence={presence} />}
        {current === 'conversations' && <Conversations />}
        {current === 'reports' && <Reports />}
        {current === 'account' && <Account />}
        {current === 'users' && <Users />}
        {current === 'bots' && <BotSettings />}
        {current === 'webhooks' && <Webhooks />}
        {current === 'data-requests' && <SubjectRequests />}
        {current === 'audit' && <Audit />}
        {current === 'refused' && <Refused roles={SCREENS.find((s) => s.id === screen)?.roles ?? ADMINISTRATORS} />}
      </main>
    </>
  );
}

export function App({ setPasswordToken, ssoError = null, ssoSecondFactor = false }: { setPasswordToken: string | null; ssoError?: string | null; ssoSecondFactor?: boolean }) {
  const [token, setToken] = useState(setPasswordToken);
  /** undefined while asking the server whether this browser already has a session. */
  const [session, setSession] = useState<SessionInfo | null | undefined>(setPasswordToken ? null : undefined);
  const [notice, setNotice] = useState('');
  /** What the address said on arrival (#sso-error=, #sso-second-factor): for the first sign-in screen only, not after a later logout. */
  const [arrival, setArrival] = useState({ ssoError, ssoSecondFactor });
  useEffect(() => {
    if (session === undefined) currentSession().then(setSession, () => setSession(null));
  }, []);
  const replace = (next: SessionInfo | null, why = 'Your session has ended. Sign in again.') => {
    setNotice(next ? '' : why);
    setSession(next);
    setArrival({ ssoError: null, ssoSecondFactor: false });
  };

  return (
    <div class="shell">
      <header class="top">
        <p class="brand">Parley console</p>
      </header>
      {session ? (
        <SignedIn session={session} replace={replace} />
      ) : (
        <main>
          {token ? (
            <SetPassword
              token={token}
              onDone={() => {
                setToken(null);
                setNotice('Your password is set. Sign in with it.');
              }}
            />
          ) : session === null ? (
            <SignIn notice={notice} ssoError={arrival.ssoError} ssoSecondFactor={arrival.ssoSecondFactor} onSignedIn={(s) => replace(s)} />
          ) : (
            <p role="status">Loading…</p>
          )}
        </main>
      )}
    </div>
  );
}
