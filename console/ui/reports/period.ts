// The period a report covers, as UTC days (`YYYY-MM-DD`, what the server counts by): the last 30
// days by default, and the presets the screen offers.
const DAY_MS = 86_400_000;

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The `days` UTC days up to and including today. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: utcDay(now - (days - 1) * DAY_MS), to: utcDay(now) };
}

export const PRESETS: ReadonlyArray<{ label: string; days: number }> = [
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 12 months', days: 365 },
];

/** A UTC day's midnight in seconds, what uPlot's time axis reads. */
export const daySeconds = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;
