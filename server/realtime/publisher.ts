// Every message the Parley server sends to visitors goes through one Publisher. The embedded
// realtime server implements it in-process; the `pusher` SDK implements it against Pusher
// Channels or soketi. Both seal event data for `private-encrypted-` channels before it leaves us.

export interface Publisher {
  /** Publishes `data` (JSON-serialisable) as `event` on `channel`; resolves once accepted by the relay. */
  trigger(channel: string, event: string, data: unknown): Promise<void>;
  /** Whether the relay is reachable, for /readyz. */
  ready(): Promise<boolean>;
}
