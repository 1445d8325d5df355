// Publishes straight into the embedded realtime server, in the same process. Events on
// `private-encrypted-` channels are sealed here, with the same construction the `pusher` SDK uses,
// so the embedded server (and anything reading its frames) only ever holds ciphertext.
import { CHANNEL_NAME_PATTERN } from '../../common/ids.ts';
import { isEncryptedChannel, sealEventData } from './channel-crypto.ts';
import type { Publisher } from './publisher.ts';

/** What the publisher needs from the embedded server; typed structurally so either side can change. */
export interface InProcessRealtime {
  publish(channels: string[], event: string, data: string): void;
  connectionCount(): number;
  /** Whether the server still accepts connections; when absent, a working connectionCount() is taken as open. */
  isOpen?(): boolean;
}

// The limits the embedded server's own HTTP API enforces (Pusher Channels' limits), so a name it
// would refuse fails here too instead of going to a channel no socket can join.
const MAX_EVENT_NAME = 200;

export function createInProcessPublisher(realtime: InProcessRealtime, masterKey: Uint8Array): Publisher {
  return {
    async trigger(channel, event, data) {
      if (typeof channel !== 'string' || !CHANNEL_NAME_PATTERN.test(channel)) {
        throw new Error(`invalid channel name: ${JSON.stringify(String(channel).slice(0, 220))}`);
      }
      if (typeof event !== 'string' || event === '' || event.length > MAX_EVENT_NAME) {
        throw new Error('event name must be 1 to 200 characters');
      }
      realtime.publish([channel], event, encodeEventData(masterKey, channel, data));
    },
    async ready() {
      try {
        if (typeof realtime.isOpen === 'function') return realtime.isOpen();
        return Number.isFinite(realtime.connectionCount());
      } catch {
        return false;
      }
    },
  };
}

/** Sealed on encrypted channels; otherwise as the SDK sends it: strings verbatim, the rest as JSON. */
function encodeEventData(masterKey: Uint8Array, channel: string, data: unknown): string {
  if (isEncryptedChannel(channel)) return sealEventData(masterKey, channel, data);
  if (typeof data === 'string') return data;
  const json = JSON.stringify(data);
  if (json === undefined) throw new Error('event data must be JSON-serialisable');
  return json;
}
