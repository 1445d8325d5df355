// The Conversations screen (supervisors: their bots; administrators: every bot): filters, the
// matching conversations newest first a page at a time, and one conversation opened in place of
// the list (one column, the same on a phone). Operators never get here: the menu does not offer
// it and the server refuses its API.
import { useEffect, useState } from 'preact/hooks';
import type { BrowseFilters, ConversationQueryParams, ConversationSummary } from '../../../common/conversations-wire.ts';
import { browseFilters, listConversations } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { when } from '../handovers/labels.ts';
import { ConversationDetail } from './detail.tsx';
import { Filters, NO_FILTERS, type FilterValues } from './filters.tsx';
import { languageName, localMidnight, OUTCOME_LABEL } from './labels.ts';

const PAGE = 25;

function queryOf(values: FilterValues, before?: string): ConversationQueryParams {
  return {
    ...(values.bot ? { bot: values.bot } : {}),
    ...(values.from ? { from: localMidnight(values.from) } : {}),
    // "Until" a day includes it: up to the next local midnight.
    ...(values.to ? { to: localMidnight(values.to, true) } : {}),
    ...(values.locale ? { locale: values.locale } : {}),
    ...(values.outcome ? { outcome: values.outcome } : {}),
    ...(values.intent ? { intent: values.intent } : {}),
    ...(before ? { before } : {}),
    limit: String(PAGE),
  };
}

function Item({ conversation: c, onOpen }: { conversation: ConversationSummary; onOpen: () => void }) {
  return (
    <li class="conversation">
      <h3>
        {c.botId} · <time dateTime={c.startedAt}>{when(c.startedAt)}</time>
      </h3>
      <p class="muted">
        {c.locale ? languageName(c.locale) : 'language unknown'} · {c.outcomes.map((o) => OUTCOME_LABEL[o]).join(', ') || 'no messages yet'}
        {c.intents.length > 0 && ` · intents: ${c.intents.join(', ')}`}
        {c.handedOver && ' · handed over'}
      </p>
      <button type="button" onClick={onOpen} aria-label={`Open the conversation on ${c.botId} of ${when(c.startedAt)}`}>
        Open
      </button>
    </li>
  );
}

export function Conversations() {
  const [choices, setChoices] = useState<BrowseFilters | null>(null);
  const [values, setValues] = useState<FilterValues>(NO_FILTERS);
  const [found, setFound] = useState<ConversationSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = useAction();

  const search = (before?: string) =>
    load.run(async () => {
      const page = await listConversations(queryOf(values, before));
      setFound((shown) => (before ? [...(shown ?? []), ...page.conversations] : page.conversations));
      setNext(page.next);
    });
  useEffect(() => {
    void load.run(async () => setChoices(await browseFilters()));
    void search();
  }, []);

  if (open) return <ConversationDetail key={open} id={open} onBack={() => setOpen(null)} />;
  return (
    <>
      <Heading>Conversations</Heading>
      <p class="muted">Personal data is masked. Each conversation you open is recorded in the audit log.</p>
      <Filters choices={choices} values={values} busy={load.busy} onChange={setValues} onSubmit={() => void search()} />
      <section class="card" aria-labelledby="conversation-results">
        <h2 id="conversation-results">Conversations{found ? ` (${found.length}${next ? '+' : ''})` : ''}</h2>
        <ErrorText message={load.error} />
        {found?.length === 0 && <p>No conversation matches.</p>}
        {found && found.length > 0 && (
          <ul class="conversations">
            {found.map((c) => (
              <Item key={c.id} conversation={c} onOpen={() => setOpen(c.id)} />
            ))}
          </ul>
        )}
        {next && (
          <button type="button" disabled={load.busy} onClick={() => void search(next)}>
            Show older conversations
          </button>
        )}
      </section>
    </>
  );
}
