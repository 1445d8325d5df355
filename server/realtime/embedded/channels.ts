// Who is subscribed to what. One Set per occupied channel; a socket remembers its own channels so
// leaving is proportional to what it joined.

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

export function createChannelRegistry(): ChannelRegistry {
  const members = new Map<string, Set<Subscriber>>();

  function leave(subscriber: Subscriber, channel: string): void {
    subscriber.channels?.delete(channel);
    const set = members.get(channel);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) members.delete(channel);
  }

  return {
    join(subscriber, channel) {
      subscriber.channels ??= new Set();
      if (subscriber.channels.has(channel)) return false;
      subscriber.channels.add(channel);
      let set = members.get(channel);
      if (!set) members.set(channel, (set = new Set()));
      set.add(subscriber);
      return true;
    },
    leave,
    leaveAll(subscriber) {
      if (!subscriber.channels) return;
      for (const channel of [...subscriber.channels]) leave(subscriber, channel);
    },
    broadcast(channel, frame, excludeSocketId) {
      const set = members.get(channel);
      if (!set) return;
      for (const subscriber of set) {
        if (subscriber.socketId !== excludeSocketId) subscriber.deliver(frame);
      }
    },
    subscriptionCount(channel) {
      return members.get(channel)?.size ?? 0;
    },
    occupied(prefix) {
      const names = [...members.keys()];
      return prefix ? names.filter((name) => name.startsWith(prefix)) : names;
    },
  };
}
