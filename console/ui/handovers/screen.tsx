// The Handovers screen: the operator's availability, the queue of waiting conversations (live),
// theirs, and, for supervisors and administrators, those others hold. Opening one shows the
// conversation in place of the lists (one column, so the same screen works on a phone).
import { useState } from 'preact/hooks';
import type { HandoverView } from '../../../common/handover-wire.ts';
import { ApiError, takeHandover } from '../../api.ts';
import { useAction } from '../action.ts';
import { ErrorText } from '../form.tsx';
import { Heading } from '../heading.tsx';
import { useSession } from '../session.ts';
import { Conversation } from './conversation.tsx';
import { SOURCE_LABEL, when } from './labels.ts';
import { LiveContext, useLiveConnection } from './live.ts';
import type { Presence } from './presence.ts';
import { useQueue } from './use-queue.tsx';

const LIVE_STATUS = {
  connecting: 'Connecting to live updates…',
  live: '',
  reconnecting: 'Live updates interrupted. Reconnecting…',
  unavailable: 'Live updates are not available: reload the page to see changes.',
};

function Availability({ presence }: { presence: Presence }) {
  return (
    <section class="card" aria-labelledby="availability">
      <h2 id="availability">Availability</h2>
      <div class="check">
        <input id="available" type="checkbox" checked={presence.available} onChange={(e) => presence.set(e.currentTarget.checked)} />
        <label for="available">Available for conversations</label>
      </div>
      <p class="muted">{presence.available ? 'New conversations can be given to you.' : 'You are not taking conversations. You can still open the queue.'}</p>
      <ErrorText message={presence.action.error} />
    </section>
  );
}

function HandoverItem({ view, onOpen, onTake }: { view: HandoverView; onOpen: () => void; onTake?: () => void }) {
  return (
    <li class="handover">
      <h3>
        {view.botId} · {SOURCE_LABEL[view.source]}
      </h3>
      <p class="muted">
        {view.origin} · since <time dateTime={view.startedAt}>{when(view.startedAt)}</time>
        {view.assignee && ` · ${view.assignee.displayName}`}
      </p>
      <div class="actions">
        {onTake && (
          <button type="button" class="primary" onClick={onTake}>
            Take
          </button>
        )}
        <button type="button" onClick={onOpen}>
          Open
        </button>
      </div>
    </li>
  );
}

function List({ title, id, views, empty, onOpen, onTake }: { title: string; id: string; views: readonly HandoverView[]; empty: string; onOpen: (v: HandoverView) => void; onTake?: (v: HandoverView) => void }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>
        {title} ({views.length})
      </h2>
      {views.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul class="handovers">
          {views.map((v) => (
            <HandoverItem key={v.id} view={v} onOpen={() => onOpen(v)} onTake={onTake && (() => onTake(v))} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function Handovers({ presence }: { presence: Presence }) {
  const { session } = useSession();
  const { user } = session;
  const mayReassign = user.role !== 'operator';
  const { live, status } = useLiveConnection(session.csrfToken);
  const queue = useQueue(user.id, mayReassign);
  const [open, setOpen] = useState<HandoverView | null>(null);
  const take = useAction();
  const [refused, setRefused] = useState('');

  const takeFromList = (view: HandoverView) =>
    take.run(async () => {
      setRefused('');
      try {
        const taken = await takeHandover(session.csrfToken, view.id);
        queue.put(taken);
        setOpen(taken);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'already_taken')) throw err;
        setRefused('Someone else took that conversation first.');
        queue.reload();
      }
    });

  return (
    <LiveContext.Provider value={live}>
      {queue.channels}
      <p class="live-status" role="status">
        {LIVE_STATUS[status]}
      </p>
      {open ? (
        <Conversation key={open.id} initial={open} mayReassign={mayReassign} onChange={queue.put} onBack={() => setOpen(null)} />
      ) : (
        <>
          <Heading>Handovers</Heading>
          <Availability presence={presence} />
          {queue.loaded && user.role !== 'administrator' && queue.bots.length === 0 && <p role="alert">You serve no bots yet: ask an administrator to add some to your account.</p>}
          <ErrorText message={refused || take.error || queue.load.error} />
          <List title="Waiting" id="waiting" views={queue.queue.waiting} empty="No one is waiting." onOpen={setOpen} onTake={takeFromList} />
          <List title="Yours" id="mine" views={queue.queue.mine} empty="You hold no conversation." onOpen={setOpen} />
          {mayReassign && <List title="Held by others" id="others" views={queue.queue.others} empty="No one else holds a conversation." onOpen={setOpen} />}
        </>
      )}
    </LiveContext.Provider>
  );
}
