// Administrators: the audit log, oldest first, filtered by actor and action, a page at a time
// (afterSeq), and its export as JSON lines through a plain download link.
import { useEffect, useState } from 'preact/hooks';
import type { AuditEntryView } from '../../common/console-wire.ts';
import { AUDIT_EXPORT_URL, listAudit } from '../api.ts';
import { useAction } from './action.ts';
import { ErrorText, Field, Form } from './form.tsx';
import { Heading } from './heading.tsx';

const PAGE = 100;

const details = (entry: AuditEntryView): string =>
  Object.entries(entry.details)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');

export function Audit() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [more, setMore] = useState(false);
  const load = useAction();

  const fetchPage = (afterSeq?: number) =>
    load.run(async () => {
      const page = (await listAudit({ actor: actor.trim(), action: action.trim(), afterSeq: afterSeq?.toString(), limit: String(PAGE) })).entries;
      setEntries((shown) => (afterSeq === undefined ? page : [...(shown ?? []), ...page]));
      setMore(page.length === PAGE);
    });
  useEffect(() => void fetchPage(), []);
  const last = entries?.[entries.length - 1];

  return (
    <>
      <Heading>Audit log</Heading>
      <section class="card" aria-labelledby="audit-filter">
        <h2 id="audit-filter">Filter</h2>
        <Form label="Filter the audit log" onSubmit={() => fetchPage()}>
          <div class="row">
            <Field label="Actor (user id)" autoComplete="off" value={actor} onInput={setActor} />
            <Field label="Action" hint="For example login or user.invite." autoComplete="off" value={action} onInput={setAction} />
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={load.busy}>
              Show entries
            </button>
            <a class="button" href={AUDIT_EXPORT_URL} download="parley-audit.ndjson">
              Export all as JSON lines
            </a>
          </div>
        </Form>
      </section>
      <section class="card" aria-labelledby="audit-entries">
        <h2 id="audit-entries">Entries</h2>
        <ErrorText message={load.error} />
        {entries && entries.length === 0 && <p>No entries.</p>}
        {entries && entries.length > 0 && (
          <div class="table-wrap" role="region" aria-label="Audit entries, scrolls sideways" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">IP</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>
                      <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                    </td>
                    <td>{e.actor ?? '—'}</td>
                    <td>{e.action}</td>
                    <td>{e.target ?? '—'}</td>
                    <td class={`outcome ${e.outcome}`}>{e.outcome}</td>
                    <td>{e.ip ?? '—'}</td>
                    <td>{details(e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more && last && (
          <button type="button" disabled={load.busy} onClick={() => fetchPage(last.seq)}>
            Show more
          </button>
        )}
      </section>
    </>
  );
}
