// Set a password from a one-time link (invitation or reset). The token came in the URL fragment,
// which main.tsx has already removed from the address bar.
import { useState } from 'preact/hooks';
import { setPassword } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form, PASSWORD_HINT } from './form.tsx';
import { Heading } from './heading.tsx';

export function SetPassword({ token, onDone }: { token: string; onDone: () => void }) {
  const [password, setPasswordText] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction();
  const [mismatch, setMismatch] = useState('');

  const submit = () => {
    setMismatch(password === again ? '' : 'The two passwords differ.');
    if (password !== again) return;
    void action.run(async () => {
      await setPassword({ token, password });
      onDone();
    });
  };

  return (
    <section class="card narrow">
      <Heading>Choose your password</Heading>
      <Form label="Choose your password" onSubmit={submit}>
        <Field label="New password" type="password" autoComplete="new-password" required hint={PASSWORD_HINT} value={password} onInput={setPasswordText} />
        <Field label="New password again" type="password" autoComplete="new-password" required value={again} onInput={setAgain} />
        <ErrorText message={mismatch || action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Set password
        </button>
      </Form>
    </section>
  );
}
