// Open or closed at an instant, in the bot's time zone: weekly intervals, holidays, the edges of
// an interval and of midnight, and the two daylight-saving changes of the year (Europe/Oslo:
// 2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00).
import { describe, expect, it } from 'vitest';
import { isOpen, nextOpening } from './business-hours.ts';
import type { BusinessHours } from './engine.ts';

const oslo: BusinessHours = {
  timeZone: 'Europe/Oslo',
  weekly: {
    1: [['08:00', '17:00']],
    2: [['08:00', '17:00']],
    3: [['08:00', '17:00']],
    4: [['08:00', '17:00']],
    5: [['08:00', '12:00'], ['13:00', '16:00']],
    6: [['22:00', '24:00']],
    7: [['00:00', '02:00'], ['02:30', '03:30']],
  },
  holidays: ['2026-12-25', '2026-05-14'],
};

const at = (iso: string) => new Date(iso);

describe('isOpen', () => {
  it.each([
    // Winter (UTC+1): Monday 2026-01-12.
    ['2026-01-12T06:59:59Z', false, 'one second before opening (07:59:59 local)'],
    ['2026-01-12T07:00:00Z', true, 'at opening (08:00 local)'],
    ['2026-01-12T15:59:59Z', true, 'the last second (16:59:59 local)'],
    ['2026-01-12T16:00:00Z', false, 'at closing (17:00 local): the end is not inside'],
    // Summer (UTC+2): the same local hours are an hour earlier in UTC.
    ['2026-06-15T06:00:00Z', true, 'summer Monday 08:00 local'],
    ['2026-06-15T05:59:00Z', false, 'summer Monday 07:59 local'],
    ['2026-06-15T14:59:00Z', true, 'summer Monday 16:59 local'],
    ['2026-06-15T15:00:00Z', false, 'summer Monday 17:00 local'],
    // A lunch break between two intervals.
    ['2026-01-16T10:59:00Z', true, 'Friday 11:59'],
    ['2026-01-16T11:30:00Z', false, 'Friday 12:30, at lunch'],
    ['2026-01-16T12:00:00Z', true, 'Friday 13:00'],
    // Across midnight, written as Saturday to 24:00 and Sunday from 00:00.
    ['2026-01-17T20:59:59Z', false, 'Saturday 21:59:59'],
    ['2026-01-17T21:00:00Z', true, 'Saturday 22:00'],
    ['2026-01-17T22:59:59Z', true, 'Saturday 23:59:59'],
    ['2026-01-17T23:00:00Z', true, 'Sunday 00:00, the next day\'s interval'],
    ['2026-01-18T00:59:59Z', true, 'Sunday 01:59:59'],
    ['2026-01-18T01:00:00Z', false, 'Sunday 02:00'],
    ['2026-01-18T23:00:00Z', false, 'Monday 00:00 (Sunday ended at 03:30)'],
    // Holidays are whole local days: Christmas Day 2026 is a Friday.
    ['2026-12-25T09:00:00Z', false, 'Christmas Day 10:00'],
    ['2026-12-24T22:59:59Z', false, 'Thursday 23:59:59, closed anyway'],
    ['2026-12-28T07:00:00Z', true, 'the Monday after'],
    // Ascension Day is a Thursday in summer time: 2026-05-13T22:00Z is already the 14th in Oslo.
    ['2026-05-13T21:59:59Z', false, 'Wednesday 23:59:59'],
    ['2026-05-14T06:00:00Z', false, 'Ascension Day 08:00'],
    ['2026-05-13T06:00:00Z', true, 'the Wednesday before, 08:00'],
  ])('%s → %s (%s)', (iso, expected) => {
    expect(isOpen(oslo, at(iso))).toBe(expected);
  });

  describe('across the daylight-saving changes', () => {
    it('spring forward (2026-03-29): 02:00–02:59 do not exist; 01:59 CET is followed by 03:00 CEST', () => {
      expect(isOpen(oslo, at('2026-03-29T00:59:59Z'))).toBe(true); // 01:59:59 CET, in 00:00–02:00
      expect(isOpen(oslo, at('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST, in 02:30–03:30
      expect(isOpen(oslo, at('2026-03-29T01:29:59Z'))).toBe(true); // 03:29:59 CEST
      expect(isOpen(oslo, at('2026-03-29T01:30:00Z'))).toBe(false); // 03:30 CEST
    });

    it('fall back (2026-10-25): 02:00–02:59 happen twice, and both are the same local hours', () => {
      expect(isOpen(oslo, at('2026-10-24T23:59:59Z'))).toBe(true); // 01:59:59 CEST
      expect(isOpen(oslo, at('2026-10-25T00:00:00Z'))).toBe(false); // 02:00 CEST, first time
      expect(isOpen(oslo, at('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
      expect(isOpen(oslo, at('2026-10-25T01:00:00Z'))).toBe(false); // 02:00 CET, second time
      expect(isOpen(oslo, at('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
      expect(isOpen(oslo, at('2026-10-25T02:29:59Z'))).toBe(true); // 03:29:59 CET
      expect(isOpen(oslo, at('2026-10-25T02:30:00Z'))).toBe(false); // 03:30 CET
    });

    it('keeps 08:00 local the opening on the Mondays either side of each change', () => {
      expect(isOpen(oslo, at('2026-03-23T07:00:00Z'))).toBe(true); // CET
      expect(isOpen(oslo, at('2026-03-30T06:00:00Z'))).toBe(true); // CEST
      expect(isOpen(oslo, at('2026-03-30T05:59:00Z'))).toBe(false);
      expect(isOpen(oslo, at('2026-10-26T07:00:00Z'))).toBe(true); // CET again
      expect(isOpen(oslo, at('2026-10-26T06:00:00Z'))).toBe(false);
    });
  });

  it('reads the weekday and date in the bot\'s zone, not the server\'s or UTC', () => {
    const tokyo: BusinessHours = { timeZone: 'Asia/Tokyo', weekly: { 1: [['09:00', '10:00']] }, holidays: [] };
    // Sunday 2026-01-11 at 15:30 UTC is Monday 00:30 in Tokyo: closed; 00:00 UTC is Monday 09:00 there.
    expect(isOpen(tokyo, at('2026-01-12T00:00:00Z'))).toBe(true);
    expect(isOpen(tokyo, at('2026-01-11T15:30:00Z'))).toBe(false);
    const auckland: BusinessHours = { timeZone: 'Pacific/Auckland', weekly: { 1: [['00:00', '24:00']] }, holidays: ['2026-01-19'] };
    expect(isOpen(auckland, at('2026-01-11T11:00:00Z'))).toBe(true); // Monday 00:00 NZDT
    expect(isOpen(auckland, at('2026-01-11T10:59:59Z'))).toBe(false); // Sunday 23:59:59
    expect(isOpen(auckland, at('2026-01-18T12:00:00Z'))).toBe(false); // Monday 2026-01-19, a holiday there
  });

  it('is closed on days with no intervals', () => {
    expect(isOpen({ timeZone: 'UTC', weekly: { 3: [['00:00', '24:00']] }, holidays: [] }, at('2026-01-13T12:00:00Z'))).toBe(false);
    expect(isOpen({ timeZone: 'UTC', weekly: { 3: [['00:00', '24:00']] }, holidays: [] }, at('2026-01-14T12:00:00Z'))).toBe(true);
  });
});

describe('nextOpening', () => {
  it('is the instant itself while open', () => {
    expect(nextOpening(oslo, at('2026-01-12T10:00:00Z'))).toEqual(at('2026-01-12T10:00:00Z'));
  });

  it('is the next interval\'s start, in the zone\'s offset of that day', () => {
    expect(nextOpening(oslo, at('2026-01-12T16:00:00Z'))).toEqual(at('2026-01-13T07:00:00Z')); // Tuesday 08:00 CET
    expect(nextOpening(oslo, at('2026-01-16T11:30:00Z'))).toEqual(at('2026-01-16T12:00:00Z')); // after lunch
    expect(nextOpening(oslo, at('2026-03-29T02:00:00Z'))).toEqual(at('2026-03-30T06:00:00Z')); // Monday 08:00 CEST
  });

  it('skips holidays', () => {
    // Thursday 2026-12-24 after closing: Friday is Christmas Day; Saturday opens at 22:00 CET.
    expect(nextOpening(oslo, at('2026-12-24T17:00:00Z'))).toEqual(at('2026-12-26T21:00:00Z'));
  });

  it('opens at the first instant after a start that the spring change skips', () => {
    const early: BusinessHours = { timeZone: 'Europe/Oslo', weekly: { 7: [['02:15', '05:00']] }, holidays: [] };
    expect(nextOpening(early, at('2026-03-28T12:00:00Z'))).toEqual(at('2026-03-29T01:00:00Z')); // 03:00 CEST
    expect(isOpen(early, at('2026-03-29T01:00:00Z'))).toBe(true);
  });

  it('is undefined when no opening comes within a year', () => {
    const allHolidays: BusinessHours = {
      timeZone: 'UTC',
      weekly: { 1: [['09:00', '10:00']] },
      holidays: Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10)),
    };
    expect(nextOpening(allHolidays, at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(nextOpening({ timeZone: 'UTC', weekly: {}, holidays: [] }, at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
