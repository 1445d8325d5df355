// Administrators: the "second factor for everyone" setting. The server enforces it (every route but
// enrolment, the session and logout refused to a user without TOTP); this only shows and sets it.
import { useEffect, useState } from 'preact/hooks';
import { getSettings, patchSettings } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Notice } from './form.tsx';
import { useSession } from './session.ts';

export function TotpPolicy() {
  const { session } = useSession();
  const [required, setRequired] = useState<boolean | null>(null);
  const [saved, setSaved] = useState('');
  const action = useAction();
  useEffect(() => void action.run(async () => setRequired((await getSettings()).requireTotp)), []);
  const toggle = (requireTotp: boolean) =>
    action.run(async () => {
      setSaved('');
      setRequired((await patchSettings(session.csrfToken, { requireTotp })).requireTotp);
      setSaved(requireTotp ? 'Two-factor authentication is now required of everyone.' : 'Two-factor authentication is now optional.');
    });
  return (
    <section class="card" aria-labelledby="policy">
      <h2 id="policy">Sign-in policy</h2>
      {required !== null && (
        <div class="field">
          <label>
            <input
              type="checkbox"
              checked={required}
              disabled={action.busy}
              onChange={(e) => {
                // The box shows what the server holds: it moves when the server says so, not on the click.
                const wanted = e.currentTarget.checked;
                e.currentTarget.checked = required;
                void toggle(wanted);
              }}
            />{' '}
            Require
            two-factor authentication for everyone
          </label>
          <p class="hint">Users without it can do nothing but set it up until they have.</p>
        </div>
      )}
      <ErrorText message={action.error} />
      {saved && <Notice>{saved}</Notice>}
    </section>
  );
}
