// The code that finishes a single sign-on (`#sso-second-factor`): the IdP has signed in a user who
// has a second factor, and the server waits (5 minutes, one try) for a TOTP or recovery code before
// it opens a session. A code it does not accept spends that try: the person signs in again.
import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../common/console-wire.ts';
import { ApiError, finishSsoSignIn } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Form, Notice, SecondFactorField } from './form.tsx';
import { Heading } from './heading.tsx';

export function SsoSecondFactor({ onSignedIn, onFailed }: { onSignedIn: (session: SessionInfo) => void; onFailed: (message: string) => void }) {
  const [code, setCode] = useState('');
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      try {
        onSignedIn(await finishSsoSignIn({ code }));
      } catch (err) {
        // Wrong, expired or used: this sign-in is over, the sign-in screen says why.
        if (err instanceof ApiError && err.status === 401) onFailed(err.message);
        else throw err;
      }
    });
  return (
    <section class="card narrow">
      <Heading>Finish signing in</Heading>
      <Notice>Your sign-in service has signed you in. Your console account also has two-factor authentication.</Notice>
      <Form label="Finish signing in" onSubmit={submit}>
        <SecondFactorField value={code} onInput={setCode} />
        <ErrorText message={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Finish signing in
        </button>
      </Form>
    </section>
  );
}
