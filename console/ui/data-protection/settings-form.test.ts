import { describe, expect, it } from 'vitest';
import { businessHours, durationInput, durationMs, hoursInput, originsOf } from './settings-form.ts';

describe('the bot settings form', () => {
  it('writes a duration in the largest unit that keeps it whole, and reads it back', () => {
    expect(durationInput(86_400_000 * 90)).toEqual({ amount: '90', unit: 'd', off: false });
    expect(durationInput(36 * 3_600_000)).toEqual({ amount: '36', unit: 'h', off: false });
    expect(durationInput(90_000)).toEqual({ amount: '90', unit: 's', off: false });
    expect(durationInput(null)).toMatchObject({ off: true });
    expect(durationInput('forever', 365)).toEqual({ amount: '365', unit: 'd', off: true });
    expect(durationMs({ amount: '36', unit: 'h', off: false }, 'x')).toBe(36 * 3_600_000);
    expect(durationMs({ amount: '1.5', unit: 'h', off: false }, 'Messages')).toBe('Messages: write a whole number of hours');
    expect(durationMs({ amount: '0', unit: 'd', off: false }, 'Messages')).toBe('Messages: write a whole number of days');
  });

  it('reads business hours as one line per weekday, and writes them back', () => {
    const hours = { timeZone: 'Europe/Oslo', weekly: { monday: [['08:00', '12:00'], ['13:00', '17:00']] as Array<[string, string]>, saturday: [['10:00', '14:00']] as Array<[string, string]> }, holidays: ['2026-12-25'] };
    const input = hoursInput(hours);
    expect(input.days.monday).toBe('08:00-12:00, 13:00-17:00');
    expect(input.days.sunday).toBe('');
    expect(businessHours(input)).toEqual(hours);
    expect(businessHours({ ...input, days: { ...input.days, tuesday: '8 to 5' } })).toBe('Tuesday: write times as 08:00-17:00, several separated by commas');
    expect(businessHours({ ...input, on: false })).toBeNull();
    expect(hoursInput(null).on).toBe(false);
  });

  it('reads origins one per line', () => {
    expect(originsOf(' https://a.example\n\nhttp://localhost:*  ')).toEqual(['https://a.example', 'http://localhost:*']);
  });
});
