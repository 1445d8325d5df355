// Entry of the operator console. A one-time set-password link arrives as
// /console/#set-password=<token>: the fragment never reaches any server log, and it is removed
// from the address bar (and history) before anything renders, so it is not left behind.
import { render } from 'preact';
import { App } from './ui/app.tsx';
import './styles.css';

function takeSetPasswordToken(): string | null {
  const prefix = '#set-password=';
  const hash = location.hash;
  if (hash) history.replaceState(null, '', location.pathname + location.search);
  if (!hash.startsWith(prefix)) return null;
  try {
    return decodeURIComponent(hash.slice(prefix.length)) || null;
  } catch {
    return null; // malformed escapes: no token, the server would refuse it anyway
  }
}

const root = document.getElementById('app');
if (root) render(<App setPasswordToken={takeSetPasswordToken()} />, root);
