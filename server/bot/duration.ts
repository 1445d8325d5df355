// Durations in bot definitions are written for people ("90d", "30s", "12h") or as plain
// milliseconds; everything past the loader works in milliseconds.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** Milliseconds for "90d"/"30s"/"15m"/…, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2] as string] as number;
  const ms = Math.round(amount * unit);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

export const DAY_MS = UNIT_MS.d as number;
