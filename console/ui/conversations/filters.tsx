// The conversation browser's filters: bot, days started (from, to, both inclusive, in the viewer's
// time), language, outcome and intent reached. Metadata only; what may be chosen comes from the
// server (GET /conversations/filters), so a supervisor sees their bots only.
import { useId } from 'preact/hooks';
import { BROWSE_OUTCOMES, type BrowseFilters, type BrowseOutcome } from '../../../common/conversations-wire.ts';
import { Form } from '../form.tsx';
import { BROWSE_OUTCOME_LABEL, languageName } from './labels.ts';

export interface FilterValues {
  bot: string;
  /** Date fields' values, "YYYY-MM-DD" or "". */
  from: string;
  to: string;
  locale: string;
  outcome: BrowseOutcome | '';
  intent: string;
}

export const NO_FILTERS: FilterValues = { bot: '', from: '', to: '', locale: '', outcome: '', intent: '' };

function Select({ label, value, options, onChange }: { label: string; value: string; options: Array<[string, string]>; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">Any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function DateField({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="date" value={value} onInput={(e) => onChange(e.currentTarget.value)} />
    </div>
  );
}

interface FiltersProps {
  choices: BrowseFilters | null;
  values: FilterValues;
  busy: boolean;
  onChange: (values: FilterValues) => void;
  onSubmit: () => void;
}

export function Filters({ choices, values, busy, onChange, onSubmit }: FiltersProps) {
  const set = <K extends keyof FilterValues>(key: K) => (value: string) => onChange({ ...values, [key]: value as FilterValues[K] });
  const bots = choices?.bots ?? [];
  const shown = values.bot ? bots.filter((b) => b.id === values.bot) : bots;
  const locales = [...new Set(shown.flatMap((b) => b.locales))];
  const intents = [...new Set(shown.flatMap((b) => b.intents))].sort();
  return (
    <section class="card" aria-labelledby="conversation-filters">
      <h2 id="conversation-filters">Find conversations</h2>
      <Form label="Find conversations" onSubmit={onSubmit}>
        <div class="row">
          <Select label="Bot" value={values.bot} options={bots.map((b) => [b.id, `${b.name} (${b.id})`])} onChange={set('bot')} />
          <Select label="Language" value={values.locale} options={locales.map((l) => [l, languageName(l)])} onChange={set('locale')} />
        </div>
        <div class="row">
          <DateField label="Started from" value={values.from} onChange={set('from')} />
          <DateField label="Started until" value={values.to} onChange={set('to')} />
        </div>
        <div class="row">
          <Select label="Outcome" value={values.outcome} options={BROWSE_OUTCOMES.map((o) => [o, BROWSE_OUTCOME_LABEL[o]])} onChange={set('outcome')} />
          <Select label="Intent reached" value={values.intent} options={intents.map((i) => [i, i])} onChange={set('intent')} />
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Show conversations
          </button>
          <button type="button" disabled={busy} onClick={() => onChange(NO_FILTERS)}>
            Clear filters
          </button>
        </div>
      </Form>
    </section>
  );
}
