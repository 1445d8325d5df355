// Who is subscribed to what, per occupied channel; a socket remembers its own channels so leaving
// is proportional to what it joined.

export interface Subscriber {
  readonly socketId: string;
  /** The channels this socket holds; created on first subscribe so idle sockets carry nothing. */
  channels: Set<string> | undefined;
  /** The one way anything is written to this subscriber's socket (see socket-output.ts). */
  deliver(frame: string | Buffer): void;
}

export interface ChannelRegistry {
  /** Returns false when already subscribed. */
  join(subscriber: Subscriber, channel: string): boolean;
  leave(subscriber: Subscriber, channel: string): void;
  leaveAll(subscriber: Subscriber): void;
  broadcast(channel: string, frame: Buffer, excludeSocketId?: string): void;
  subscriptionCount(channel: string): number;
  /** Occupied channels, optionally only those starting with `prefix`. */
  occupied(prefix?: string): string[];
}

/**
 * A channel's subscribers: most of Parley's channels (a visitor's conversation) have one, held as
 * is; a Set only once a second joins. A Set per channel would cost every idle visitor its tables.
 */
type Members = Subscriber | Set<Subscriber>;

export function createChannelRegistry(): ChannelRegistry {
  const members = new Map<string, Members>();

  function leave(subscriber: Subscriber, channel: string): void {
    subscriber.channels?.delete(channel);
    const held = members.get(channel);
    if (held === subscriber) members.delete(channel);
    else if (held instanceof Set) {
      held.delete(subscriber);
      if (held.size === 0) members.delete(channel);
    }
  }

  return {
    join(subscriber, channel) {
      subscriber.channels ??= new Set();
      if (subscriber.channels.has(channel)) return false;
      subscriber.channels.add(channel);
      const held = members.get(channel);
      if (held === undefined) members.set(channel, subscriber);
      else if (held instanceof Set) held.add(subscriber);
      else members.set(channel, new Set([held, subscriber]));
      return true;
    },
    leave,
    leaveAll(subscriber) {
      if (!subscriber.channels) return;
      for (const channel of [...subscriber.channels]) leave(subscriber, channel);
    },
    broadcast(channel, frame, excludeSocketId) {
      const held = members.get(channel);
      if (held === undefined) return;
      for (const subscriber of held instanceof Set ? held : [held]) {
        if (subscriber.socketId !== excludeSocketId) subscriber.deliver(frame);
      }
    },
    subscriptionCount(channel) {
      const held = members.get(channel);
      return held === undefined ? 0 : held instanceof Set ? held.size : 1;
    },
    occupied(prefix) {
      const names = [...members.keys()];
      return prefix ? names.filter((name) => name.startsWith(prefix)) : names;
    },
  };
}
