// Single sign-on on the sign-in screen: the IdP button (when the server has SSO configured) and
// what an SSO return that failed (`/console/#sso-error=<code>`) tells the person.
import { useEffect, useState } from 'preact/hooks';
import type { SsoErrorCode, SsoInfo } from '../../common/console-wire.ts';
import { ssoInfo, SSO_START } from '../api.ts';

const MESSAGES: Record<SsoErrorCode, string> = {
  state_mismatch: 'The single sign-on attempt expired or did not come from this browser. Try again.',
  idp_refused: 'The sign-in service did not sign you in.',
  sso_failed: 'The answer of the sign-in service could not be checked. Try again.',
  unknown_user: 'This account has no access to the console. Ask an administrator to invite you.',
  email_not_verified: 'The sign-in service has not verified your e-mail address.',
  disabled: 'This console account is disabled.',
};

/** The sentence for a `#sso-error=` code; anything unknown gets a general one. */
export const ssoErrorMessage = (code: string): string =>
  Object.hasOwn(MESSAGES, code) ? MESSAGES[code as SsoErrorCode] : 'Single sign-on did not work. Try again.';

/** A plain link: the sign-in is a top-level navigation to the IdP and back. */
export function SsoButton() {
  const [info, setInfo] = useState<SsoInfo | null>(null);
  useEffect(() => {
    ssoInfo().then(setInfo, () => setInfo(null));
  }, []);
  if (!info?.enabled) return null;
  return (
    <p>
      <a class="button" href={SSO_START}>
        {info.label}
      </a>
    </p>
  );
}
