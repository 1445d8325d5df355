// Administrators: each bot's data-protection settings (common/data-protection-wire.ts). The form
// shows the settings in force and saves a change on the version it was opened on; the server checks
// it with the bot definition's own schema and answers in words, which the form shows. A save is in
// force at once, on every server within a second, and in the audit log with what it changed.
import { useEffect, useId, useState } from 'preact/hooks';
import type { BotDataSettings, BotSettingsView } from '../../../common/data-protection-wire.ts';
import { listBotSettings, saveBotSettings } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText, Form, Notice } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { useSession } from '../session.ts';
import { BusinessHoursField } from './business-hours-field.tsx';
import { DurationField } from './duration-field.tsx';
import { businessHours, durationInput, durationMs, hoursInput, originsOf } from './settings-form.ts';

function versionLine(view: BotSettingsView): string {
  if (view.version === 0) return `As in the definition file (bots/${view.bot}.json); not changed here yet.`;
  return `Version ${view.version}, saved ${new Date(view.savedAt!).toLocaleString()}.`;
}

function SettingsForm({ view, onSaved, onReload }: { view: BotSettingsView; onSaved: (view: BotSettingsView) => void; onReload: () => void }) {
  const { session } = useSession();
  const id = useId();
  const s = view.settings;
  const [store, setStore] = useState(s.storeConversations);
  const [messageTtl, setMessageTtl] = useState(durationInput(s.messageTtl));
  const [valueTtl, setValueTtl] = useState(durationInput(s.valueTtl));
  const [inactiveAfter, setInactiveAfter] = useState(durationInput(s.inactiveAfter));
  const [archive, setArchive] = useState(s.archive);
  const [archiveTtl, setArchiveTtl] = useState(durationInput(s.archiveTtl, 365));
  const [origins, setOrigins] = useState(s.allowedOrigins.join('\n'));
  const [hours, setHours] = useState(hoursInput(s.businessHours));
  const [problem, setProblem] = useState('');
  const action = useAction();

  /** The settings to send, or the first thing the form cannot even send. */
  function settings(): BotDataSettings | string {
    const durations = {
      messageTtl: messageTtl.off ? null : durationMs(messageTtl, 'Delete messages after'),
      valueTtl: valueTtl.off ? null : durationMs(valueTtl, 'Delete collected values after'),
      inactiveAfter: durationMs(inactiveAfter, 'Idle conversations'),
      archiveTtl: archiveTtl.off ? ('forever' as const) : durationMs(archiveTtl, 'Delete archived conversations after'),
    };
    const wrong = Object.values(durations).find((d) => typeof d === 'string' && d !== 'forever');
    if (wrong !== undefined) return wrong as string;
    const hoursOrProblem = view.handover ? businessHours(hours) : null;
    if (typeof hoursOrProblem === 'string') return hoursOrProblem;
    return {
      storeConversations: store,
      messageTtl: durations.messageTtl as number | null,
      valueTtl: durations.valueTtl as number | null,
      inactiveAfter: durations.inactiveAfter as number,
      archive,
      archiveTtl: durations.archiveTtl as number | 'forever',
      allowedOrigins: originsOf(origins),
      businessHours: hoursOrProblem,
    };
  }

  const submit = () =>
    action.run(async () => {
      const next = settings();
      setProblem(typeof next === 'string' ? next : '');
      if (typeof next === 'string') return;
      onSaved(await saveBotSettings(session.csrfToken, view.bot, { version: view.version, settings: next }));
    });

  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{view.name}</h2>
      <p class="muted">{versionLine(view)}</p>
      <Form label={`Data protection settings of ${view.name}`} onSubmit={submit}>
        <label class="check">
          <input type="checkbox" checked={store} aria-describedby={`${id}-store-hint`} onChange={(e) => setStore(e.currentTarget.checked)} />
          Store conversations
        </label>
        <p class="hint" id={`${id}-store-hint`}>
          Off: the bot still answers, and each exchange is forgotten once the reply is out.
          {view.handover && ' A bot that hands over to humans must store them.'}
        </p>
        <DurationField label="Delete messages after" offLabel="Keep messages as long as the conversation" value={messageTtl} onChange={setMessageTtl} />
        <DurationField label="Delete collected values after" hint="What forms collected: e-mail addresses, names, phone numbers." offLabel="Keep values as long as the conversation" value={valueTtl} onChange={setValueTtl} />
        <DurationField label="Idle conversations go after" hint="Between 1 day and 1 year without a message." value={inactiveAfter} onChange={setInactiveAfter} />
        <label class="check">
          <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.currentTarget.checked)} />
          Archive idle conversations (else delete them)
        </label>
        {archive && <DurationField label="Delete archived conversations after" offLabel="Keep the archive for ever" value={archiveTtl} onChange={setArchiveTtl} />}
        <div class="field">
          <label for={`${id}-origins`}>Allowed origins</label>
          <textarea id={`${id}-origins`} rows={3} aria-describedby={`${id}-origins-hint`} value={origins} onInput={(e) => setOrigins(e.currentTarget.value)} />
          <p class="hint" id={`${id}-origins-hint`}>
            Sites that may embed the chat, one per line, such as https://shop.example or http://localhost:*.
          </p>
        </div>
        {view.handover && <BusinessHoursField value={hours} onChange={setHours} />}
        <ErrorText message={problem || action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            Save settings
          </button>
          <button type="button" disabled={action.busy} onClick={onReload}>
            Load the current settings
          </button>
        </div>
      </Form>
    </section>
  );
}

export function BotSettings() {
  const [bots, setBots] = useState<BotSettingsView[] | null>(null);
  const [selected, setSelected] = useState('');
  const [saved, setSaved] = useState('');
  const id = useId();
  const action = useAction();
  const load = () =>
    action.run(async () => {
      setSaved('');
      const listed = await listBotSettings();
      setBots(listed);
      setSelected((current) => current || listed[0]?.bot || '');
    });
  useEffect(() => void load(), []);
  const view = bots?.find((b) => b.bot === selected);
  return (
    <>
      <Heading>Bots: data protection</Heading>
      <ErrorText message={action.error} />
      {bots && (
        <div class="field">
          <label for={`${id}-bot`}>Bot</label>
          <select
            id={`${id}-bot`}
            value={selected}
            onChange={(e) => {
              setSaved('');
              setSelected(e.currentTarget.value);
            }}
          >
            {bots.map((b) => (
              <option key={b.bot} value={b.bot}>
                {b.name} ({b.bot})
              </option>
            ))}
          </select>
        </div>
      )}
      {saved && <Notice>{saved}</Notice>}
      {/* Keyed by version: a save or a reload starts the form over from what the server holds. */}
      {view && (
        <SettingsForm
          key={`${view.bot}:${view.version}`}
          view={view}
          onSaved={(next) => {
            setBots((all) => all?.map((b) => (b.bot === next.bot ? next : b)) ?? null);
            setSaved(`Saved version ${next.version} of ${next.name}'s settings: in force now, and on every server within a second.`);
          }}
          onReload={() => void load()}
        />
      )}
    </>
  );
}
