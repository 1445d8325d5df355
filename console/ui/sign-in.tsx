// Sign in: e-mail and password; when the server answers totp_required, the same form asks for
// the code too and sends all three again.
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../common/console-wire.ts';
import { ApiError, signIn } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form, Notice } from './form.tsx';
import { Heading } from './heading.tsx';
import { SsoButton, ssoErrorMessage } from './sso.tsx';
import { ForgotPassword } from './forgot-password.tsx';

export function SignIn({ onSignedIn, notice, ssoError = null }: { onSignedIn: (session: SessionInfo) => void; notice?: string; ssoError?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [askTotp, setAskTotp] = useState(false);
  const action = useAction();

  const submit = () =>
    action.run(async () => {
      try {
        onSignedIn(await signIn({ email, password, ...(askTotp ? { totp } : {}) }));
      } catch (err) {
        // Not an error to the user: the account has a second factor, ask for it.
        if (err instanceof ApiError && err.code === 'totp_required' && !askTotp) setAskTotp(true);
        else throw err;
      }
    });

  return (
    <section class="card narrow">
      <Heading>Sign in</Heading>
      {notice && <Notice>{notice}</Notice>}
      {ssoError && <ErrorText message={ssoErrorMessage(ssoError)} />}
      <SsoButton />
      <Form label="Sign in" onSubmit={submit}>
        <Field label="E-mail" type="email" autoComplete="username" required value={email} onInput={setEmail} />
        <Field label="Password" type="password" autoComplete="current-password" required value={password} onInput={setPassword} />
        {askTotp && (
          <Field
            label="Authentication code"
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
            autoComplete="one-time-code"
            inputMode="text"
            required
            value={totp}
            onInput={setTotp}
          />
        )}
        <ErrorText message={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Sign in
        </button>
      </Form>
      <ForgotPassword />
    </section>
  );
}
