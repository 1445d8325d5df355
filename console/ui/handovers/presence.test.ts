import { describe, expect, it } from 'vitest';
import { renewIn } from './presence.ts';

describe('presence heartbeat', () => {
  const now = Date.parse('2026-01-01T10:00:00.000Z');
  it('renews at half the time left, within 5 s and a minute', () => {
    expect(renewIn('2026-01-01T10:01:00.000Z', now)).toBe(30_000);
    expect(renewIn('2026-01-01T10:00:04.000Z', now)).toBe(5_000);
    expect(renewIn('2026-01-01T09:59:00.000Z', now)).toBe(5_000); // already past (clock skew): renew soon
    expect(renewIn('2026-01-01T11:00:00.000Z', now)).toBe(60_000);
    expect(renewIn('not a date', now)).toBe(5_000);
  });
});
