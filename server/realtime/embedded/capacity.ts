// How many sockets are open, in all and per client address, so that one address cannot take them all.

export interface Capacity {
  /** Counts one more socket for `ip`; false (and nothing counted) when that would pass a cap. */
  admit(ip: string): boolean;
  release(ip: string): void;
}

export function createCapacity(maxTotal: number, maxPerIp: number): Capacity {
  const perIp = new Map<string, number>();
  let total = 0;
  return {
    admit(ip) {
      const held = perIp.get(ip) ?? 0;
      if (total >= maxTotal || held >= maxPerIp) return false;
      perIp.set(ip, held + 1);
      total++;
      return true;
    },
    release(ip) {
      const held = perIp.get(ip) ?? 0;
      if (held <= 1) perIp.delete(ip);
      else perIp.set(ip, held - 1);
      total--;
    },
  };
}
