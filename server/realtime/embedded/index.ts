// The embedded Pusher-protocol realtime server, as the Parley server and the tests use it.
export type { EmbeddedRealtimeOptions } from './options.ts';
export { createEmbeddedRealtime, type EmbeddedRealtime } from './realtime.ts';
export { startStandaloneRealtime, type StandaloneRealtime } from './standalone.ts';
