// The Reports screen's sections: each chart's table shows the columns its chart draws, and the
// charts draw what the report says.
import { describe, expect, it } from 'vitest';
import { reportRows } from '../../../common/report-tables.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { reportSections } from './sections.ts';

const report = buildReport({ bots: ['demo'], from: '2030-01-01', to: '2030-01-02' }, [
  {
    botId: 'demo',
    day: '2030-01-02',
    counts: { conversations: 4, 'messages.visitor': 9, 'outcomes.answered': 5, 'outcomes.fallback': 2, 'outcomes.handover': 1, 'intents.pricing': 5, 'fallbacks._none': 2, 'ratings.4': 1 },
    waitMs: [30_000, 90_000],
    firstResponseMs: [],
  },
]);

describe('report sections', () => {
  const sections = reportSections(report);

  it('show, under each chart of daily figures, the daily columns it draws', () => {
    const header = (id: string) => {
      const section = sections.find((s) => s.id === id)!;
      const [all] = reportRows(report, section.table);
      return section.columns!.map((i) => all![i]);
    };
    expect(header('conversations')).toEqual(['day', 'conversations', 'messages', 'visitor messages']);
    expect(header('handled')).toEqual(['day', 'answered', 'fallback', 'handed over']);
    expect(header('handover-times')).toEqual(['day', 'handovers', 'resolved', 'abandoned', 'wait p50 (s)', 'wait p90 (s)', 'first response p50 (s)', 'first response p90 (s)']);
  });

  it('draw the report: days with nothing are zero (or no point, for durations), a fallback near no intent is named so', () => {
    const chart = (id: string) => sections.find((s) => s.id === id)!.chart;
    expect(chart('conversations')).toMatchObject({ kind: 'days', days: ['2030-01-01', '2030-01-02'] });
    expect(chart('conversations').series.map((s) => s.values)).toEqual([
      [0, 4],
      [0, 9],
    ]);
    expect(chart('handover-times').series.map((s) => s.values)).toEqual([
      [null, 30],
      [null, 90],
      [null, null],
      [null, null],
    ]);
    expect(chart('fallbacks')).toMatchObject({ kind: 'bars', labels: ['(none near)'] });
    expect(chart('ratings').series[0]!.values).toEqual([0, 0, 0, 1, 0]);
  });

  it('every section’s table is one the server can export', () => {
    for (const section of sections) expect(reportRows(report, section.table).length).toBeGreaterThan(0);
  });
});
