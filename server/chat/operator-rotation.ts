// Auto-assignment's choice (HANDOVER_AUTO_ASSIGN): round robin among the operators who are online
// for the bot and below their capacity. The turn is kept in the store, not in a counter of one
// instance: whoever was given a conversation longest ago (or never) is next, so every instance
// picks the same operator and a restart keeps the order.

export interface OperatorLoad {
  id: string;
  /** Conversations assigned to them now. */
  open: number;
  /** When they were last given one (by anyone: take, reassign or rotation); null: never. */
  lastAssignedAt: Date | null;
}

/** The operator next in turn, or null when everyone online is at capacity (or no one is online). */
export function nextOperator(candidates: readonly OperatorLoad[], capacity: number): string | null {
  const free = candidates.filter((c) => c.open < capacity);
  free.sort((a, b) => (a.lastAssignedAt?.getTime() ?? -Infinity) - (b.lastAssignedAt?.getTime() ?? -Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return free[0]?.id ?? null;
}
