// A report table as CSV: RFC 4180 quoting, CRLF, and no cell a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import { reportCsv } from './csv.ts';
import { buildReport } from './build-report.ts';

const report = (counts: Record<string, number>, waitMs: number[] = []) =>
  buildReport({ bots: ['demo'], from: '2030-01-01', to: '2030-01-02' }, [{ botId: 'demo', day: '2030-01-01', counts, waitMs, firstResponseMs: [] }]);

describe('reportCsv', () => {
  it('writes the daily table, a row per day, durations in seconds', () => {
    const csv = reportCsv(report({ conversations: 2, 'messages.visitor': 3 }, [61_250, 1000]), 'daily');
    expect(csv.split('\r\n')).toEqual([
      'day,conversations,messages,visitor messages,answered,fallback,handed over,handovers,resolved,abandoned,wait p50 (s),wait p90 (s),first response p50 (s),first response p90 (s)',
      '2030-01-01,2,3,3,0,0,0,0,0,0,1,61.3,,',
      '2030-01-02,0,0,0,0,0,0,0,0,0,,,,',
      '',
    ]);
  });

  it('writes shares in per cent and a fallback near no intent in words', () => {
    const r = report({ 'outcomes.answered': 2, 'outcomes.fallback': 1, 'fallbacks._none': 1 });
    expect(reportCsv(r, 'outcomes').split('\r\n').slice(0, 3)).toEqual(['outcome,visitor messages,share of those the bot handled (%)', 'answered,2,66.7', 'fallback,1,33.3']);
    expect(reportCsv(r, 'fallbacks')).toBe('nearest intent,fallbacks\r\n(none near),1\r\n');
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    const r = report({});
    r.topIntents = [
      { intent: '=HYPERLINK("http://evil.example")', count: 1 },
      { intent: '+1', count: 2 },
      { intent: '-2', count: 3 },
      { intent: '@SUM(A1)', count: 4 },
      { intent: 'a,b', count: 5 },
      { intent: 'line\nbreak', count: 6 },
    ];
    expect(reportCsv(r, 'intents').split('\r\n')).toEqual([
      'intent,reached',
      `"'=HYPERLINK(""http://evil.example"")",1`,
      "'+1,2",
      "'-2,3",
      "'@SUM(A1),4",
      '"a,b",5',
      '"line\nbreak",6',
      '',
    ]);
  });

  it('writes every table with a header row', () => {
    const r = report({ 'handovers.intent': 1, 'resolutions.answered': 1, 'ratings.4': 1 });
    expect(reportCsv(r, 'handovers')).toContain('opened,1\r\n');
    expect(reportCsv(r, 'resolutions')).toContain('answered,1\r\n');
    expect(reportCsv(r, 'ratings')).toContain('4,1\r\n');
  });
});
