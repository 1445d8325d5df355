// Reports, for administrators (every bot) and supervisors (their bots): pick a period of UTC days
// and a bot (or all one may read), then the key figures and, section by section, a chart and the
// table behind it with its CSV. Everything shown is counts and durations: the server computes
// reports from metadata only (docs/console.md#reports).
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import type { ReportPeriod, ReportView } from '../../../common/report-wire.ts';
import { getReport } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Field, Form } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { useSession } from '../session.ts';
import { Chart, seconds } from './chart.tsx';
import { DataTable } from './data-table.tsx';
import { lastDays, PRESETS } from './period.ts';
import { reportSections } from './sections.ts';

const percent = (share: number | null | undefined) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)} %`);
const duration = (ms: number | null) => (ms === null ? '—' : seconds(ms / 1000));

function KeyFigures({ report }: { report: ReportView }) {
  const share = (outcome: string) => report.outcomes.find((o) => o.outcome === outcome)?.share;
  const { handovers } = report;
  const messages = Object.values(report.totals.messages).reduce((a, b) => a + b, 0);
  const figures: Array<[string, string]> = [
    ['Conversations', report.totals.conversations.toLocaleString('en')],
    ['Messages', messages.toLocaleString('en')],
    ['Answered by the bot', percent(share('answered'))],
    ['Fell back', percent(share('fallback'))],
    ['Handed over', percent(share('handover'))],
    ['Handovers opened', handovers.opened.toLocaleString('en')],
    ['Waiting time, p50 / p90', `${duration(handovers.waiting.p50Ms)} / ${duration(handovers.waiting.p90Ms)}`],
    ['First response, p50 / p90', `${duration(handovers.firstResponse.p50Ms)} / ${duration(handovers.firstResponse.p90Ms)}`],
    ['Resolved', handovers.resolutions.reduce((sum, r) => sum + r.count, 0).toLocaleString('en')],
    ['Ratings', handovers.ratings.count === 0 ? 'none' : `${handovers.ratings.count.toLocaleString('en')}, ${handovers.ratings.average!.toFixed(2)} of 5 on average`],
  ];
  return (
    <dl class="figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Reports() {
  const { session } = useSession();
  const botsId = useId();
  const [period, setPeriod] = useState<{ from: string; to: string }>(() => lastDays(30));
  const [bot, setBot] = useState('');
  const [shown, setShown] = useState<{ report: ReportView; period: ReportPeriod } | null>(null);
  const load = useAction();
  // Made once per report: a chart is drawn again only when its report changes, not on every keystroke.
  const sections = useMemo(() => (shown ? reportSections(shown.report) : []), [shown]);

  const show = (asked = period) =>
    load.run(async () => {
      const query: ReportPeriod = { ...asked, ...(bot.trim() ? { bot: bot.trim() } : {}) };
      setShown({ report: await getReport(query), period: query });
    });
  useEffect(() => void show(), []);

  return (
    <>
      <Heading>Reports</Heading>
      <section class="card" aria-labelledby="report-period">
        <h2 id="report-period">Period and bot</h2>
        <Form label="Choose the report" onSubmit={() => show()}>
          <div class="row">
            <Field label="From (UTC day)" type="date" value={period.from} required onInput={(from) => setPeriod((p) => ({ ...p, from }))} />
            <Field label="To (UTC day)" type="date" value={period.to} required onInput={(to) => setPeriod((p) => ({ ...p, to }))} />
            <div class="field">
              <label for={botsId}>Bot</label>
              <input id={botsId} list={`${botsId}-list`} value={bot} autoComplete="off" aria-describedby={`${botsId}-hint`} onInput={(e) => setBot(e.currentTarget.value)} />
              <datalist id={`${botsId}-list`}>
                {session.user.bots.map((b) => (
                  <option key={b} value={b} />
                ))}
              </datalist>
              <p class="hint" id={`${botsId}-hint`}>
                Empty: every bot you may read.
              </p>
            </div>
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={load.busy}>
              Show report
            </button>
            {PRESETS.map((preset) => (
              <button
                type="button"
                key={preset.days}
                disabled={load.busy}
                onClick={() => {
                  const next = lastDays(preset.days);
                  setPeriod(next);
                  void show(next);
                }}
              >
                {preset.label}
              </button>
            ))}
          </div>
        </Form>
        <ErrorText message={load.error} />
        <p role="status" class="muted">
          {load.busy ? 'Loading the report…' : shown ? `Showing ${shown.period.bot ?? 'every bot you may read'}, ${shown.period.from} to ${shown.period.to} (UTC).` : ''}
        </p>
      </section>
      {shown && (
        <>
          <section class="card" aria-labelledby="report-figures">
            <h2 id="report-figures">In figures</h2>
            <KeyFigures report={shown.report} />
          </section>
          {sections.map((section) => (
            <section class="card" key={section.id} aria-labelledby={`report-${section.id}`}>
              <h2 id={`report-${section.id}`}>{section.title}</h2>
              <Chart spec={section.chart} />
              <DataTable caption={section.title} report={shown.report} period={shown.period} table={section.table} {...(section.columns ? { columns: section.columns } : {})} />
            </section>
          ))}
        </>
      )}
    </>
  );
}
