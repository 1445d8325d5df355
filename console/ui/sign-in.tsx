// Sign in: e-mail and password; when the server answers totp_required, the same form asks for
// the code too and sends all three again. After a single sign-on of a user with a second factor
// (`#sso-second-factor`), the code alone finishes it; if it is not accepted, back to this screen.
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../common/console-wire.ts';
import { ApiError, signIn } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form, Notice, SecondFactorField } from './form.tsx';
import { Heading } from './heading.tsx';
import { SsoButton, ssoErrorMessage } from './sso.tsx';
import { SsoSecondFactor } from './sso-second-factor.tsx';
import { ForgotPassword } from './forgot-password.tsx';

interface SignInProps {
  onSignedIn: (session: SessionInfo) => void;
  notice?: string;
  ssoError?: string | null;
  ssoSecondFactor?: boolean;
}

export function SignIn({ onSignedIn, notice, ssoError = null, ssoSecondFactor = false }: SignInProps) {
  const [finishingSso, setFinishingSso] = useState(ssoSecondFactor);
  const [ssoProblem, setSsoProblem] = useState(ssoError === null ? '' : ssoErrorMessage(ssoError));
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

  if (finishingSso) {
    const failed = (message: string) => {
      setSsoProblem(message);
      setFinishingSso(false);
    };
    return <SsoSecondFactor onSignedIn={onSignedIn} onFailed={failed} />;
  }

  return (
    <section class="card narrow">
      <Heading>Sign in</Heading>
      {notice && <Notice>{notice}</Notice>}
      {ssoProblem && <ErrorText message={ssoProblem} />}
      <SsoButton />
      <Form label="Sign in" onSubmit={submit}>
        <Field label="E-mail" type="email" autoComplete="username" required value={email} onInput={setEmail} />
        <Field label="Password" type="password" autoComplete="current-password" required value={password} onInput={setPassword} />
        {askTotp && <SecondFactorField value={totp} onInput={setTotp} />}
        <ErrorText message={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Sign in
        </button>
      </Form>
      <ForgotPassword />
    </section>
  );
}
