// Whether a bot's operators work at an instant: its weekly hours and holidays, read in the bot's
// own time zone. Intl does all the time-zone work (the zone database ships with Node's ICU), so
// daylight-saving changes need no code here: an instant has exactly one local wall time, and that
// wall time is what the hours are compared with.
import type { BusinessHours } from './engine.ts';

type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A moment as the bot's office sees it: local date `YYYY-MM-DD`, ISO weekday, local time `HH:MM`. */
interface WallTime {
  date: string;
  weekday: IsoWeekday;
  time: string;
}

const WEEKDAYS: Record<string, IsoWeekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Every zone's offset lies within ±14 h, so a local time falls within this of the same digits read as UTC. */
const WIDEST_OFFSET = 15 * 60 * MINUTE;
/** How far nextOpening looks before saying "not within a year". */
const HORIZON_DAYS = 366;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallTime(timeZone: string, instant: Date): WallTime {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of formatterFor(timeZone).formatToParts(instant)) part[type] = value;
  return {
    date: `${part.year}-${part.month}-${part.day}`,
    weekday: WEEKDAYS[part.weekday ?? ''] ?? 1,
    time: `${part.hour}:${part.minute}`,
  };
}

/** An IANA zone name Intl knows (`Europe/Oslo`, `UTC`); not a bare offset such as `+01:00`. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][\w+-]*(?:\/[\w+-]+)*$/.test(value)) return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

/** A real calendar date written `YYYY-MM-DD` (so 2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** Open at `instant`: not a local holiday, and the local time inside one of the day's [start, end) intervals. */
export function isOpen(hours: BusinessHours, instant: Date): boolean {
  const local = wallTime(hours.timeZone, instant);
  if (hours.holidays.includes(local.date)) return false;
  // HH:MM strings compare like the times they write; "24:00" is after every time of the day.
  return (hours.weekly[local.weekday] ?? []).some(([start, end]) => start <= local.time && local.time < end);
}

/**
 * When the office opens next: `from` itself while open, else the first interval start after it
 * (holidays skipped); undefined when nothing opens within a year.
 */
export function nextOpening(hours: BusinessHours, from: Date): Date | undefined {
  if (isOpen(hours, from)) return from;
  const today = wallTime(hours.timeZone, from).date;
  for (let days = 0; days <= HORIZON_DAYS; days++) {
    // Calendar arithmetic on a date alone: UTC has no daylight saving to get in the way.
    const day = new Date(Date.parse(`${today}T00:00:00Z`) + days * DAY);
    const date = day.toISOString().slice(0, 10);
    if (hours.holidays.includes(date)) continue;
    const weekday = (((day.getUTCDay() + 6) % 7) + 1) as IsoWeekday;
    const starts = (hours.weekly[weekday] ?? []).map(([start]) => start).sort();
    for (const start of starts) {
      const opening = firstInstantAt(hours.timeZone, date, start);
      if (opening > from && isOpen(hours, opening)) return opening;
    }
  }
  return undefined;
}

/**
 * The first minute whose local wall time is at or after `date` `time`: found by bisection with
 * Intl reading each candidate, so no offset is ever computed. A start the spring change skips
 * (02:15 when 02:00 jumps to 03:00) gives the first minute after the gap; in the hour a fall-back
 * repeats, either of its two occurrences may be given.
 */
function firstInstantAt(timeZone: string, date: string, time: string): Date {
  const target = `${date} ${time}`;
  const key = (minute: number) => {
    const local = wallTime(timeZone, new Date(minute * MINUTE));
    return `${local.date} ${local.time}`;
  };
  const sameDigitsInUtc = Date.parse(`${date}T${time}:00Z`);
  let before = (sameDigitsInUtc - WIDEST_OFFSET) / MINUTE; // local time is earlier than the target here
  let atOrAfter = (sameDigitsInUtc + WIDEST_OFFSET) / MINUTE; // and later here
  while (atOrAfter - before > 1) {
    const middle = Math.floor((before + atOrAfter) / 2);
    if (key(middle) >= target) atOrAfter = middle;
    else before = middle;
  }
  return new Date(atOrAfter * MINUTE);
}
