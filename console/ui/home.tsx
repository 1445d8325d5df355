// Home: who is signed in and as what, and the two ways out (this session, or every session).
import { endAllSessions, signOut } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Notice } from './form.tsx';
import { Heading } from './heading.tsx';
import { ROLE_LABEL } from './roles.ts';
import { useSession } from './session.ts';

export function Home({ onSignedOut }: { onSignedOut: (notice: string) => void }) {
  const { session } = useSession();
  const { user } = session;
  const action = useAction();
  const logOut = () =>
    action.run(async () => {
      await signOut(session.csrfToken);
      onSignedOut('You are logged out.');
    });
  const logOutEverywhere = () =>
    action.run(async () => {
      await endAllSessions(session.csrfToken);
      onSignedOut('You are logged out on every device.');
    });
  return (
    <section class="card">
      <Heading>Welcome, {user.displayName || user.email}</Heading>
      <dl class="facts">
        <dt>Signed in as</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABEL[user.role]}</dd>
        <dt>Bots</dt>
        <dd>{user.role === 'administrator' ? 'All' : user.bots.join(', ') || 'None yet'}</dd>
        <dt>Two-factor authentication</dt>
        <dd>{user.totpEnabled ? 'On' : 'Off'}</dd>
      </dl>
      {session.mustEnrollTotp && <Notice>Your administrator requires two-factor authentication: turn it on under Account.</Notice>}
      <ErrorText message={action.error} />
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={logOut}>
          Log out
        </button>
        <button type="button" disabled={action.busy} onClick={logOutEverywhere}>
          Log out everywhere
        </button>
      </div>
    </section>
  );
}
