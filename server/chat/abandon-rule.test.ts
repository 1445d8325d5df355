import { describe, expect, it } from 'vitest';
import { abandonReason } from './abandon-rule.ts';

const start = new Date('2026-03-02T09:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
const limits = { waitLimitMs: 10 * 60_000, visitorGoneAfterMs: 30 * 60_000 };
const waiting = { state: 'waiting' as const, source: 'intent' as const, startedAt: start };

describe('when a handover is abandoned', () => {
  it('abandon: a waiting handover past the bot’s wait limit, not a moment before', () => {
    expect(abandonReason(waiting, minutes(9), limits, minutes(9.99))).toBeNull();
    expect(abandonReason(waiting, minutes(9), limits, minutes(10))).toBe('wait-limit');
  });

  it('abandon: an assigned one is never past the wait limit, but its visitor is gone after the quiet time', () => {
    const assigned = { ...waiting, state: 'assigned' as const };
    expect(abandonReason(assigned, minutes(1), limits, minutes(30.9))).toBeNull();
    expect(abandonReason(assigned, minutes(1), limits, minutes(31))).toBe('visitor-gone');
    // Still talking: quiet time counts from the last message, whoever wrote it.
    expect(abandonReason(assigned, minutes(50), limits, minutes(60))).toBeNull();
  });

  it('abandon: a left message waits however long; closed handovers are left alone', () => {
    expect(abandonReason({ ...waiting, source: 'message' }, start, limits, minutes(24 * 60))).toBeNull();
    expect(abandonReason({ ...waiting, state: 'resolved' }, start, limits, minutes(24 * 60))).toBeNull();
    expect(abandonReason({ ...waiting, state: 'abandoned' }, start, limits, minutes(24 * 60))).toBeNull();
  });

  it('abandon: with a wait limit longer than the quiet time, a silent waiting visitor counts as gone first', () => {
    expect(abandonReason(waiting, start, { waitLimitMs: 60 * 60_000, visitorGoneAfterMs: 30 * 60_000 }, minutes(30))).toBe('visitor-gone');
  });
});
