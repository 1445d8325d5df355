// One request a screen runs on a button or form: busy while it runs, the server's error message
// afterwards. A 401 not_signed_in (expired, ended elsewhere) drops the session: back to sign-in.
// So does a state change refused for CSRF when the session behind it has ended: without a session
// the server has no token to compare and says `csrf`, so the app asks whether it is still signed in.
import { useState } from 'preact/hooks';
import { ApiError, currentSession } from '../api.ts';
import { useOptionalSession } from './session.ts';

export interface Action {
  busy: boolean;
  error: string;
  run: (work: () => Promise<void>) => Promise<void>;
}

async function stillSignedIn(): Promise<boolean> {
  try {
    await currentSession();
    return true;
  } catch (err) {
    return !(err instanceof ApiError && err.status === 401);
  }
}

export function useAction(): Action {
  const handle = useOptionalSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      await work();
    } catch (err) {
      if (handle && err instanceof ApiError && err.status === 401 && err.code === 'not_signed_in') return handle.replace(null);
      if (handle && err instanceof ApiError && err.code === 'csrf' && !(await stillSignedIn())) return handle.replace(null);
      setError(err instanceof Error ? err.message : 'Something went wrong.');
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
