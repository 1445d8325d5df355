// On MongoDB a message id is taken ($inc on the conversation) before the message is inserted, so two
// concurrent appends can become visible out of order: 5 may be readable while 4 is still in
// flight. A reader that saw 5 would then ask for after=5 and never see 4. History therefore stops
// at a gap while the message behind the gap is young enough that the gap may still fill; an old gap
// is permanent (an append that lost a duplicate-clientId race, or a crash between the two steps)
// and is skipped, so history never stalls for good.

/** How long a gap is waited for before it counts as permanent. */
export const GAP_GRACE_MS = 5_000;

export interface Numbered {
  id: number;
  /** When the message was written, by the writer's wall clock. */
  writtenAt: Date;
}

/** The leading part of `sorted` (ascending ids > after) that a reader may safely advance past. */
export function contiguousPrefix<T extends Numbered>(sorted: T[], after: number, now: Date): T[] {
  let expected = after + 1;
  for (let i = 0; i < sorted.length; i++) {
    const item = sorted[i]!;
    if (item.id !== expected && now.getTime() - item.writtenAt.getTime() < GAP_GRACE_MS) {
      return sorted.slice(0, i);
    }
    expected = item.id + 1;
  }
  return sorted;
}
