// Entry of the operator console. A one-time link arrives as /console/#set-password=<token>
// (invitation, first administrator) or #reset-password=<token>: the fragment never reaches any
// server log, and it is removed from the address bar (and history) before anything renders, so it
// is not left behind.
import { render } from 'preact';
import { App } from './ui/app.tsx';
import './styles.css';

function takeSetPasswordToken(): string | null {
  const hash = location.hash;
  if (hash) history.replaceState(null, '', location.pathname + location.search);
  const match = /^#(?:set|reset)-password=(.+)$/.exec(hash);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null; // malformed escapes: no token, the server would refuse it anyway
  }
}

/** `#sso-error=<code>`: where a failed single sign-on lands (read before the fragment is removed). */
const ssoError = /^#sso-error=([a-z_]{1,40})$/.exec(location.hash)?.[1] ?? null;
/** `#sso-second-factor`: the IdP signed in a user who has a second factor; the code finishes it. */
const ssoSecondFactor = location.hash === '#sso-second-factor';

const root = document.getElementById('app');
if (root) render(<App setPasswordToken={takeSetPasswordToken()} ssoError={ssoError} ssoSecondFactor={ssoSecondFactor} />, root);
