// What pusher-js in the frame and the console is told: our own origin in embedded mode, the configured relay
// otherwise. Only the app key is public; the secret never leaves the server.
import type { RealtimeClientConfig } from '../../common/wire.ts';
import type { RealtimeConfig } from '../config/index.ts';

/** ws(s) origin of the realtime server pusher-js connects to, for a page's CSP `connect-src`. */
export function realtimeSocketOrigin(rt: RealtimeClientConfig): string {
  const scheme = rt.forceTLS ? 'wss' : 'ws';
  const port = rt.forceTLS ? rt.wssPort : rt.wsPort;
  return `${scheme}://${rt.wsHost}:${port}`;
}

export function realtimeClientConfig(rt: RealtimeConfig, publicUrl: string): RealtimeClientConfig {
  const authEndpoint = new URL('/api/v1/realtime/auth', publicUrl).href;
  if (rt.mode === 'embedded') {
    const url = new URL(publicUrl);
    const tls = url.protocol === 'https:';
    const port = Number(url.port) || (tls ? 443 : 80);
    return { key: rt.key, wsHost: url.hostname, wsPort: port, wssPort: port, forceTLS: tls, cluster: rt.cluster, authEndpoint };
  }
  const host = rt.host ?? `ws-${rt.cluster}.pusher.com`;
  return {
    key: rt.key,
    wsHost: host,
    wsPort: rt.port ?? 80,
    wssPort: rt.port ?? 443,
    forceTLS: rt.useTLS,
    cluster: rt.cluster,
    authEndpoint,
  };
}
