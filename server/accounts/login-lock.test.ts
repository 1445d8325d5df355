// The account lock backs off: the fifth consecutive failure locks, each failure after it (once the
// lock ran out) locks twice as long as the last, capped at a day. Before, every lock was 15 min.
import { describe, expect, it } from 'vitest';
import { FIRST_LOCK_MS, LONGEST_LOCK_MS, lockAfter } from './login-lock.ts';

describe('login lock back-off', () => {
  it('the first four failures lock nothing, the fifth locks for 15 min', () => {
    expect([0, 1, 2, 3, 4].map(lockAfter)).toEqual([null, null, null, null, null]);
    expect(lockAfter(5)).toBe(FIRST_LOCK_MS);
  });

  it('each later failure doubles the lock: 30 min, 1 h, 2 h, 4 h', () => {
    expect([6, 7, 8, 9].map(lockAfter)).toEqual([30, 60, 120, 240].map((min) => min * 60_000));
  });

  it('never locks longer than a day, however long the run of failures', () => {
    expect(lockAfter(12)).toBe(LONGEST_LOCK_MS);
    expect(lockAfter(5_000_000)).toBe(LONGEST_LOCK_MS);
  });
});
