// The bot settings form's values and how they become BotDataSettings and back: durations as a number
// and a unit, business hours as one line of intervals per weekday. The server checks everything
// again with the definition's schema; what the form refuses here is only what it cannot even send.
import { WEEKDAYS, type BotDataSettings, type Weekday } from '../../../common/data-protection-wire.ts';

export const UNITS = [
  { id: 'd', label: 'days', ms: 86_400_000 },
  { id: 'h', label: 'hours', ms: 3_600_000 },
  { id: 'min', label: 'minutes', ms: 60_000 },
  { id: 's', label: 'seconds', ms: 1000 },
] as const;
export type Unit = (typeof UNITS)[number]['id'];

/** A duration as typed: an amount (text, as in the input) and a unit; `off` is "not set" (kept, or for ever). */
export interface DurationInput {
  amount: string;
  unit: Unit;
  off: boolean;
}

/** The largest unit that writes `ms` as a whole number. */
export function durationInput(ms: number | null | 'forever', fallbackDays = 30): DurationInput {
  if (ms === null || ms === 'forever') return { amount: String(fallbackDays), unit: 'd', off: true };
  // Every duration the server keeps is whole milliseconds; seconds fit all the form offers.
  const unit = UNITS.find((u) => ms % u.ms === 0) ?? UNITS[3];
  return { amount: String(ms / unit.ms), unit: unit.id, off: false };
}

/** Milliseconds, or a message naming `label` when the amount is not a positive whole number. */
export function durationMs(input: DurationInput, label: string): number | string {
  const amount = Number(input.amount);
  if (!/^\d+$/.test(input.amount.trim()) || amount < 1) return `${label}: write a whole number of ${UNITS.find((u) => u.id === input.unit)!.label}`;
  return amount * UNITS.find((u) => u.id === input.unit)!.ms;
}

export interface HoursInput {
  on: boolean;
  timeZone: string;
  /** Per weekday, "08:00-17:00, 18:00-20:00"; empty: closed. */
  days: Record<Weekday, string>;
  /** One YYYY-MM-DD per line. */
  holidays: string;
}

export function hoursInput(hours: BotDataSettings['businessHours']): HoursInput {
  const days = Object.fromEntries(WEEKDAYS.map((d) => [d, (hours?.weekly[d] ?? []).map(([a, b]) => `${a}-${b}`).join(', ')])) as Record<Weekday, string>;
  return { on: hours !== null, timeZone: hours?.timeZone ?? 'Europe/Oslo', days, holidays: (hours?.holidays ?? []).join('\n') };
}

const INTERVAL = /^(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})$/;

/** Business hours to send, or a message naming the day whose line is not intervals. */
export function businessHours(input: HoursInput): BotDataSettings['businessHours'] | string {
  if (!input.on) return null;
  const weekly: Partial<Record<Weekday, Array<[string, string]>>> = {};
  for (const day of WEEKDAYS) {
    const line = input.days[day].trim();
    if (line === '') continue;
    const intervals: Array<[string, string]> = [];
    for (const part of line.split(',')) {
      const match = INTERVAL.exec(part.trim());
      if (!match) return `${day[0]!.toUpperCase()}${day.slice(1)}: write times as 08:00-17:00, several separated by commas`;
      intervals.push([match[1]!, match[2]!]);
    }
    weekly[day] = intervals;
  }
  const holidays = input.holidays.split(/\s+/).filter(Boolean);
  return { timeZone: input.timeZone.trim(), weekly, holidays };
}

/** One origin per line. */
export const originsOf = (text: string): string[] => text.split(/\s+/).filter(Boolean);
