// What a duration is in Parley's configuration, the environment and bot definitions alike: text
// the `ms` package reads ("30s", "15m", "24h", "1.5h", "90d", "2 weeks"), with a unit, above zero,
// in whole milliseconds.
import ms from 'ms';

/** Digits alone: `ms` reads "86400" as 86.4 seconds, which is rarely what was meant, so a unit must be said. */
const UNITLESS = /^\s*[\d.]+\s*$/;

/** Milliseconds for a duration such as "30s", "24h" or "90d"; undefined for anything else. */
export function durationMs(text: string): number | undefined {
  if (text === '' || UNITLESS.test(text)) return undefined;
  const value = Math.round(ms(text as ms.StringValue));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
