// The tables of a report (common/report-wire.ts ReportView), as rows: what the console shows under
// each chart and what the CSV download of that table holds (server/reports/csv.ts), cut in this
// one place so the two never differ. Durations in seconds (one decimal), shares in per cent.
import type { ReportTable, ReportView } from './report-wire.ts';

export type Cell = string | number | null;

const seconds = (ms: number | null): Cell => (ms === null ? null : Math.round(ms / 100) / 10);
const percent = (share: number | null): Cell => (share === null ? null : Math.round(share * 1000) / 10);

/** The table's header row, then its rows. */
export function reportRows(report: ReportView, table: ReportTable): Cell[][] {
  const { handovers } = report;
  switch (table) {
    case 'daily':
      return [
        ['day', 'conversations', 'messages', 'visitor messages', 'answered', 'fallback', 'handed over', 'handovers', 'resolved', 'abandoned', 'wait p50 (s)', 'wait p90 (s)', 'first response p50 (s)', 'first response p90 (s)'],
        ...report.days.map((d) => [
          d.day,
          d.conversations,
          d.messages,
          d.visitorMessages,
          d.answered,
          d.fallback,
          d.handedOver,
          d.handovers,
          d.resolved,
          d.abandoned,
          seconds(d.waitP50Ms),
          seconds(d.waitP90Ms),
          seconds(d.firstResponseP50Ms),
          seconds(d.firstResponseP90Ms),
        ]),
      ];
    case 'outcomes':
      return [['outcome', 'visitor messages', 'share of those the bot handled (%)'], ...report.outcomes.map((o) => [o.outcome, o.count, percent(o.share)])];
    case 'intents':
      return [['intent', 'reached'], ...report.topIntents.map((i) => [i.intent, i.count])];
    case 'fallbacks':
      return [['nearest intent', 'fallbacks'], ...report.topFallbacks.map((f) => [f.nearest ?? '(none near)', f.count])];
    case 'handovers':
      return [
        ['measure', 'value'],
        ['opened', handovers.opened],
        ...handovers.bySource.map((s) => [`opened from ${s.source}`, s.count]),
        ['waits counted', handovers.waiting.count],
        ['wait p50 (s)', seconds(handovers.waiting.p50Ms)],
        ['wait p90 (s)', seconds(handovers.waiting.p90Ms)],
        ['first responses counted', handovers.firstResponse.count],
        ['first response p50 (s)', seconds(handovers.firstResponse.p50Ms)],
        ['first response p90 (s)', seconds(handovers.firstResponse.p90Ms)],
        ['abandoned before anyone took it', handovers.abandoned.unanswered],
        ['abandoned, the visitor gone', handovers.abandoned.gone],
      ];
    case 'resolutions':
      return [['resolution', 'handovers'], ...handovers.resolutions.map((r) => [r.code, r.count])];
    case 'ratings':
      return [['score', 'ratings'], ...handovers.ratings.byScore.map((r) => [r.score, r.count])];
  }
}

