// The frame budget of one socket: a token bucket holding `burst` frames, refilled at `perSecond`.
// Two numbers per socket, touched only when a frame arrives.

export interface MessageBudget {
  tokens: number;
  /** Date.now() of the last refill. */
  at: number;
}

export function fullBudget(burst: number, now: number): MessageBudget {
  return { tokens: burst, at: now };
}

/** Spends one frame; false when the bucket is empty. */
export function spendFrame(budget: MessageBudget, now: number, burst: number, perSecond: number): boolean {
  budget.tokens = Math.min(burst, budget.tokens + ((now - budget.at) / 1000) * perSecond);
  budget.at = now;
  if (budget.tokens < 1) return false;
  budget.tokens -= 1;
  return true;
}
