// The handover screens' realtime connection: asked for once the screen opens (GET /realtime says
// where to connect), shared by the queue and the conversation through context, closed with the
// screen. pusher-js is loaded only then (its own chunk): the other screens never need it. Also the hook a list or conversation uses to watch one channel while it is shown.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { realtimeConfig } from '../../api.ts';
import type { ChannelWatch, ConsoleRealtime, LiveStatus } from './realtime.ts';

export const LiveContext = createContext<ConsoleRealtime | null>(null);

/** The connection (null until configured, or when the server could not say where to connect) and its status. */
export function useLiveConnection(csrf: string): { live: ConsoleRealtime | null; status: LiveStatus | 'unavailable' } {
  const [live, setLive] = useState<ConsoleRealtime | null>(null);
  const [status, setStatus] = useState<LiveStatus | 'unavailable'>('connecting');
  useEffect(() => {
    let rt: ConsoleRealtime | null = null;
    let unlisten = (): void => undefined;
    let closed = false;
    Promise.all([realtimeConfig(), import('./realtime.ts')]).then(
      ([config, { connectConsoleRealtime }]) => {
        if (closed) return;
        rt = connectConsoleRealtime(config, csrf);
        unlisten = rt.onStatus(setStatus);
        setLive(rt);
      },
      () => setStatus('unavailable'),
    );
    return () => {
      closed = true;
      unlisten();
      rt?.stop();
    };
  }, [csrf]);
  return { live, status };
}

/**
 * Watches `channel` (when not null) with the latest handlers while the component is shown. The
 * handlers may change on every render; the subscription does not.
 */
export function useChannel(channel: string | null, watch: ChannelWatch): void {
  const live = useContext(LiveContext);
  const latest = useRef(watch);
  latest.current = watch;
  const events = Object.keys(watch.events).join(',');
  useEffect(() => {
    if (!live || !channel) return;
    const handlers = Object.fromEntries(events.split(',').map((e) => [e, (data: unknown) => latest.current.events[e]?.(data)]));
    return live.watch(channel, { events: handlers, subscribed: () => latest.current.subscribed() });
  }, [live, channel, events]);
}
