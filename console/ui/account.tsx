// Account: change password (the server rotates this session and ends every other one) and turn
// on two-factor authentication (secret shown as text to type in, recovery codes shown once).
import { useState } from 'preact/hooks';
import type { TotpEnrolment } from '../../common/console-wire.ts';
import { changePassword, confirmTotp, enrollTotp } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form, Notice, PASSWORD_HINT } from './form.tsx';
import { Heading } from './heading.tsx';
import { useSession } from './session.ts';

function ChangePassword() {
  const { session, replace } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setDone(false);
      const rotated = await changePassword(session.csrfToken, { current, next });
      setCurrent('');
      setNext('');
      setDone(true);
      replace(rotated);
    });
  return (
    <section class="card" aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      <Form label="Change password" onSubmit={submit}>
        <Field label="Current password" type="password" autoComplete="current-password" required value={current} onInput={setCurrent} />
        <Field label="New password" type="password" autoComplete="new-password" required hint={PASSWORD_HINT} value={next} onInput={setNext} />
        <ErrorText message={action.error} />
        {done && <Notice>Password changed. Every other session of yours has ended.</Notice>}
        <button type="submit" class="primary" disabled={action.busy}>
          Change password
        </button>
      </Form>
    </section>
  );
}

function TwoFactor() {
  const { session, replace } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const action = useAction();

  const start = () => action.run(async () => setEnrolment(await enrollTotp(session.csrfToken)));
  const confirm = () =>
    action.run(async () => {
      setRecovery((await confirmTotp(session.csrfToken, code)).codes);
      setEnrolment(null);
      replace({ ...session, mustEnrollTotp: false, user: { ...session.user, totpEnabled: true } });
    });

  return (
    <section class="card" aria-labelledby="two-factor">
      <h2 id="two-factor">Two-factor authentication</h2>
      {recovery ? (
        <>
          <Notice>Two-factor authentication is on. Keep these recovery codes somewhere safe: each works once, and they are not shown again.</Notice>
          <ul class="codes">
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </>
      ) : session.user.totpEnabled ? (
        <p>On.</p>
      ) : enrolment ? (
        <Form label="Confirm two-factor authentication" onSubmit={confirm}>
          <p>Add this key to your authenticator app, then type the code it shows.</p>
          <p>
            Key: <code class="secret">{enrolment.secret}</code>
          </p>
          <Field label="Code from the app" autoComplete="one-time-code" inputMode="numeric" required value={code} onInput={setCode} />
          <ErrorText message={action.error} />
          <button type="submit" class="primary" disabled={action.busy}>
            Turn on
          </button>
        </Form>
      ) : (
        <>
          <p>Off. A code from an authenticator app will be asked for at every sign-in.</p>
          <ErrorText message={action.error} />
          <button type="button" disabled={action.busy} onClick={start}>
            Set up two-factor authentication
          </button>
        </>
      )}
    </section>
  );
}

export function Account() {
  return (
    <>
      <Heading>Account</Heading>
      <ChangePassword />
      <TwoFactor />
    </>
  );
}
