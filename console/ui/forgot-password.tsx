// "Forgot your password?" under the sign-in form: asks the server to mail a reset link. The server
// answers the same for every address, so this says the same too: it cannot know more.
import { useState } from 'preact/hooks';
import { requestPasswordReset } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form, Notice } from './form.tsx';

export function ForgotPassword() {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState('');
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      setSent('');
      await requestPasswordReset({ email });
      setSent('If an account has this address, an e-mail with a link to choose a new password is on its way.');
    });
  if (!open) {
    return (
      <button type="button" class="link" onClick={() => setOpen(true)}>
        Forgot your password?
      </button>
    );
  }
  return (
    <Form label="Reset your password" onSubmit={submit}>
      <Field label="E-mail for the reset link" type="email" autoComplete="username" required value={email} onInput={setEmail} />
      <ErrorText message={action.error} />
      {sent && <Notice>{sent}</Notice>}
      <button type="submit" disabled={action.busy}>
        Send reset link
      </button>
    </Form>
  );
}
