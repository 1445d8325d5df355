// How long an account is locked after consecutive failed logins: the fifth locks it for 15 min,
// and every failure after a lock ran out locks it again for twice as long as the one before
// (30 min, 1 h, 2 h … at most a day). A guesser who waits out the locks gets a dozen guesses in the
// first day and one a day after. The count resets only on success or an administrator's unlock.
export const LOCK_AFTER_FAILURES = 5;
export const FIRST_LOCK_MS = 15 * 60_000;
export const LONGEST_LOCK_MS = 24 * 60 * 60_000;

/** Whether a lock is on at `now`: while it is, no login is checked or counted. */
export const isLocked = (user: { lockedUntil: Date | null }, now: Date): boolean => user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();

/** The lock the `failedLogins`-th consecutive failure starts, in ms, or null when it starts none. */
export function lockAfter(failedLogins: number): number | null {
  if (failedLogins < LOCK_AFTER_FAILURES) return null;
  const locksBefore = Math.min(failedLogins - LOCK_AFTER_FAILURES, 32);
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** locksBefore);
}
