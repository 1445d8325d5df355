// "Available for conversations": while on, the console renews the operator's presence before it
// lapses (PUT /presence is a heartbeat: the server counts an operator offline once `expiresAt`
// passes without a renewal, so a closed laptop drops out by itself). Lives in the signed-in shell,
// so moving between screens does not take anyone offline; closing the page says "off" at once.
import { useEffect, useState } from 'preact/hooks';
import { putPresence } from '../../api.ts';
import { useAction, type Action } from '../action.ts';

/** Renew at half the time left, but never busier than this nor lazier than a minute. */
const MIN_RENEW_MS = 5_000;
const MAX_RENEW_MS = 60_000;

export interface Presence {
  available: boolean;
  action: Action;
  set(available: boolean): void;
}

export function renewIn(expiresAt: string, now = Date.now()): number {
  const left = Date.parse(expiresAt) - now;
  return Number.isFinite(left) ? Math.min(MAX_RENEW_MS, Math.max(MIN_RENEW_MS, left / 2)) : MIN_RENEW_MS;
}

export function usePresence(csrf: string): Presence {
  const [available, setAvailable] = useState(false);
  const action = useAction();

  useEffect(() => {
    if (!available) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const beat = async (): Promise<void> => {
      let next = MIN_RENEW_MS; // a failed renewal is tried again soon
      await action.run(async () => {
        next = renewIn((await putPresence(csrf, { available: true })).expiresAt);
      });
      if (!stopped) timer = setTimeout(() => void beat(), next);
    };
    void beat();
    const offOnLeave = (): void => void putPresence(csrf, { available: false }, true).catch(() => undefined);
    window.addEventListener('pagehide', offOnLeave);
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener('pagehide', offOnLeave);
    };
  }, [available, csrf]);

  return {
    available,
    action,
    set(next) {
      if (next === available) return;
      setAvailable(next);
      if (!next) void action.run(async () => void (await putPresence(csrf, { available: false })));
    },
  };
}
