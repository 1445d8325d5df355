// Administrators: every console user, an invitation form, and per user its role, bots, whether it
// is disabled, and for a supervisor whether they may reveal personal data on their bots (the grant). The server enforces all of it (and refuses to demote or disable the last
// administrator); this screen only shows what it answers.
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleRole, ConsoleUserView, UserPatch } from '../../common/console-wire.ts';
import { inviteUser, listUsers, patchUser } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form, Notice } from './form.tsx';
import { Heading } from './heading.tsx';
import { RoleSelect } from './role-select.tsx';
import { parseBots, ROLE_LABEL } from './roles.ts';
import { useSession } from './session.ts';
import { TotpPolicy } from './totp-policy.tsx';

function InviteForm({ onInvited }: { onInvited: () => Promise<void> }) {
  const { session } = useSession();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<ConsoleRole>('operator');
  const [bots, setBots] = useState('');
  const [sent, setSent] = useState('');
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setSent('');
      // The answer is the same whether or not the address has an account; the list says which.
      await inviteUser(session.csrfToken, { email, displayName, role, bots: parseBots(bots) });
      setSent(`Invitation sent to ${email}, unless that address has an account already: the list below shows.`);
      setEmail('');
      setDisplayName('');
      setBots('');
      await onInvited();
    });
  return (
    <section class="card" aria-labelledby="invite">
      <h2 id="invite">Invite a user</h2>
      <Form label="Invite a user" onSubmit={submit}>
        <Field label="E-mail" type="email" autoComplete="off" required value={email} onInput={setEmail} />
        <Field label="Name" autoComplete="off" required value={displayName} onInput={setDisplayName} />
        <RoleSelect value={role} onChange={setRole} />
        <Field label="Bots" hint="Bot ids, separated by commas." autoComplete="off" value={bots} onInput={setBots} />
        <ErrorText message={action.error} />
        {sent && <Notice>{sent}</Notice>}
        <button type="submit" class="primary" disabled={action.busy}>
          Send invitation
        </button>
      </Form>
    </section>
  );
}

function UserRow({ user, isSelf, onSaved }: { user: ConsoleUserView; isSelf: boolean; onSaved: (user: ConsoleUserView) => void }) {
  const { session } = useSession();
  const [role, setRole] = useState<ConsoleRole>(user.role);
  const [bots, setBots] = useState(user.bots.join(', '));
  const action = useAction();
  const save = (patch: UserPatch) => action.run(async () => onSaved(await patchUser(session.csrfToken, user.id, patch)));
  const status = user.disabled ? 'Disabled' : user.pending ? 'Invited' : 'Active';
  return (
    <li class="user">
      <h3>
        {user.displayName || user.email}
        {isSelf && ' (you)'}
      </h3>
      <p class="muted">
        {user.email} · {ROLE_LABEL[user.role]} · {status} · two-factor {user.totpEnabled ? 'on' : 'off'}
        {user.revealGranted && ' · may reveal personal data'}
      </p>
      <Form label={`Role and bots of ${user.email}`} onSubmit={() => save({ role, bots: parseBots(bots) })}>
        <div class="row">
          <RoleSelect value={role} onChange={setRole} />
          <Field label="Bots" autoComplete="off" value={bots} onInput={setBots} />
        </div>
        <ErrorText message={action.error} />
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Save role and bots
          </button>
          <button type="button" disabled={action.busy} onClick={() => save({ disabled: !user.disabled })}>
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          {/* The view does not say whether a lock is on; lifting one that is not there changes nothing. */}
          <button type="button" disabled={action.busy} onClick={() => save({ unlock: true })}>
            Unlock
          </button>
          {/* Only supervisors are granted it: administrators reveal anyway, operators never. */}
          {user.role === 'supervisor' && (
            <button type="button" disabled={action.busy} onClick={() => save({ revealGranted: !user.revealGranted })}>
              {user.revealGranted ? 'Withdraw revealing personal data' : 'Allow revealing personal data'}
            </button>
          )}
        </div>
      </Form>
    </li>
  );
}

export function Users() {
  const { session } = useSession();
  const [users, setUsers] = useState<ConsoleUserView[] | null>(null);
  const load = useAction();
  const reload = async () => setUsers((await listUsers()).users);
  useEffect(() => void load.run(reload), []);
  const upsert = (user: ConsoleUserView) => setUsers((list) => [...(list ?? []).filter((u) => u.id !== user.id), user].sort((a, b) => a.email.localeCompare(b.email)));
  return (
    <>
      <Heading>Users</Heading>
      <TotpPolicy />
      <InviteForm onInvited={reload} />
      <section class="card" aria-labelledby="all-users">
        <h2 id="all-users">All users</h2>
        <ErrorText message={load.error} />
        {users === null ? (
          !load.error && <p>Loading…</p>
        ) : (
          <ul class="users">
            {users.map((u) => (
              <UserRow key={u.id} user={u} isSelf={u.id === session.user.id} onSaved={upsert} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
