// What the Reports screen shows of a report, section by section: each a chart (chart.tsx) and the
// table behind it (data-table.tsx), which is one of the report's tables or some of the daily
// columns. Pure: a report in, the sections out.
import type { ReportTable, ReportView } from '../../../common/report-wire.ts';
import type { ChartSpec } from './chart.tsx';
import { COLOURS } from './palette.ts';

export interface Section {
  id: string;
  title: string;
  chart: ChartSpec;
  table: ReportTable;
  /** Only these columns of the table: the daily table's, for a chart of a few of them. */
  columns?: number[];
}

/** Bars of at most this many names: the table has them all. */
const TOP = 10;

const OUTCOME_LABEL: Record<ReportView['outcomes'][number]['outcome'], string> = {
  answered: 'Answered',
  fallback: 'Fell back',
  refused: 'Refused (access)',
  form: 'Form answer',
  handover: 'Handed over',
  offline: 'No one could come',
  silent: 'During a handover',
};

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

export function reportSections(report: ReportView): Section[] {
  const days = report.days.map((d) => d.day);
  const perDay = (series: ChartSpec['series']): ChartSpec => ({ kind: 'days', days, series, unit: 'count' });
  const { handovers } = report;
  return [
    {
      id: 'conversations',
      title: 'Conversations and messages per day',
      chart: perDay([
        { label: 'Conversations', values: report.days.map((d) => d.conversations), colour: COLOURS[0] },
        { label: 'Visitor messages', values: report.days.map((d) => d.visitorMessages), colour: COLOURS[1] },
      ]),
      table: 'daily',
      columns: [0, 1, 2, 3],
    },
    {
      id: 'outcomes',
      title: 'What the bot did with visitors’ messages',
      chart: {
        kind: 'bars',
        labels: report.outcomes.map((o) => OUTCOME_LABEL[o.outcome]),
        series: [{ label: 'Visitor messages', values: report.outcomes.map((o) => o.count), colour: COLOURS[0] }],
      },
      table: 'outcomes',
    },
    {
      id: 'handled',
      title: 'Answered, fell back and handed over, per day',
      chart: perDay([
        { label: 'Answered', values: report.days.map((d) => d.answered), colour: COLOURS[2] },
        { label: 'Fell back', values: report.days.map((d) => d.fallback), colour: COLOURS[3] },
        { label: 'Handed over', values: report.days.map((d) => d.handedOver), colour: COLOURS[4] },
      ]),
      table: 'daily',
      columns: [0, 4, 5, 6],
    },
    {
      id: 'intents',
      title: 'Top intents',
      chart: {
        kind: 'bars',
        labels: report.topIntents.slice(0, TOP).map((i) => i.intent),
        series: [{ label: 'Reached', values: report.topIntents.slice(0, TOP).map((i) => i.count), colour: COLOURS[2] }],
      },
      table: 'intents',
    },
    {
      id: 'fallbacks',
      title: 'Top fallbacks, by the intent nearest to what was written',
      chart: {
        kind: 'bars',
        labels: report.topFallbacks.slice(0, TOP).map((f) => f.nearest ?? '(none near)'),
        series: [{ label: 'Fallbacks', values: report.topFallbacks.slice(0, TOP).map((f) => f.count), colour: COLOURS[3] }],
      },
      table: 'fallbacks',
    },
    {
      id: 'handover-times',
      title: 'Waiting and first-response time of handovers, per day',
      chart: {
        kind: 'days',
        days,
        unit: 'seconds',
        series: [
          { label: 'Wait p50', values: report.days.map((d) => seconds(d.waitP50Ms)), colour: COLOURS[0] },
          { label: 'Wait p90', values: report.days.map((d) => seconds(d.waitP90Ms)), colour: COLOURS[0], dashed: true },
          { label: 'First response p50', values: report.days.map((d) => seconds(d.firstResponseP50Ms)), colour: COLOURS[1] },
          { label: 'First response p90', values: report.days.map((d) => seconds(d.firstResponseP90Ms)), colour: COLOURS[1], dashed: true },
        ],
      },
      table: 'daily',
      columns: [0, 7, 8, 9, 10, 11, 12, 13],
    },
    {
      id: 'handovers',
      title: 'Handovers in the period',
      chart: {
        kind: 'bars',
        labels: handovers.bySource.map((s) => `from ${s.source}`),
        series: [{ label: 'Opened', values: handovers.bySource.map((s) => s.count), colour: COLOURS[4] }],
      },
      table: 'handovers',
    },
    {
      id: 'resolutions',
      title: 'Resolutions',
      chart: {
        kind: 'bars',
        labels: handovers.resolutions.map((r) => r.code),
        series: [{ label: 'Handovers', values: handovers.resolutions.map((r) => r.count), colour: COLOURS[2] }],
      },
      table: 'resolutions',
    },
    {
      id: 'ratings',
      title: 'Ratings',
      chart: {
        kind: 'bars',
        labels: handovers.ratings.byScore.map((r) => `${r.score} of 5`),
        series: [{ label: 'Ratings', values: handovers.ratings.byScore.map((r) => r.count), colour: COLOURS[1] }],
      },
      table: 'ratings',
    },
  ];
}
