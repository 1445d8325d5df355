// One request a screen runs on a button or form: busy while it runs, the server's error message
// afterwards. A 401 not_signed_in (expired, ended elsewhere) drops the session: back to sign-in.
import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { useOptionalSession } from './session.ts';

export interface Action {
  busy: boolean;
  error: string;
  run: (work: () => Promise<void>) => Promise<void>;
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
      setError(err instanceof Error ? err.message : 'Something went wrong.');
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
