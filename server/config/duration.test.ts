import { describe, expect, it } from 'vitest';
import { durationMs } from './duration.ts';

describe('durations (environment and bot definitions)', () => {
  it.each([
    ['30s', 30_000],
    ['24h', 86_400_000],
    ['90d', 7_776_000_000],
    ['1.5h', 5_400_000],
    ['90 d', 7_776_000_000],
    ['2 weeks', 1_209_600_000],
    ['250ms', 250],
  ])('reads %j as %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['', '3600', ' 86400 ', '0s', '-5m', 'forever', '3 fortnights', '1e400d', 'x'.repeat(200)])('refuses %j', (text) => {
    expect(durationMs(text)).toBeUndefined();
  });
});
