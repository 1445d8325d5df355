// The queue, loaded and then kept live: the lists are fetched once, and again on every
// (re)subscription of a queue channel (whatever happened while the socket was down), and each
// `handover` event files one handover where it now belongs. Watched bots: what the server says the
// caller serves (administrators: every bot).
import { useEffect, useState } from 'preact/hooks';
import { EVENT_HANDOVER, queueChannel, type HandoverView } from '../../../common/handover-wire.ts';
import { listHandovers } from '../../api.ts';
import { useAction, type Action } from '../action.ts';
import { useChannel } from './live.ts';
import { EMPTY_QUEUE, file, fileAll, isHandoverView, type Queue } from './queue.ts';

function QueueChannel({ bot, onEvent, onSubscribed }: { bot: string; onEvent: (view: HandoverView) => void; onSubscribed: () => void }) {
  useChannel(queueChannel(bot), {
    events: { [EVENT_HANDOVER]: (data) => isHandoverView(data) && data.botId === bot && onEvent(data) },
    subscribed: onSubscribed,
  });
  return null;
}

export interface QueueState {
  queue: Queue;
  /** False until the first fetch answered. */
  loaded: boolean;
  load: Action;
  bots: readonly string[];
  reload(): void;
  /** A handover changed by this console (a take, a resolve): filed at once, before its event. */
  put(view: HandoverView): void;
  /** One invisible component per watched queue channel, to render inside the screen. */
  channels: preact.JSX.Element[];
}

export function useQueue(me: string, watchOthers: boolean): QueueState {
  const [queue, setQueue] = useState<Queue>(EMPTY_QUEUE);
  const [loaded, setLoaded] = useState(false);
  const [bots, setBots] = useState<readonly string[]>([]);
  const load = useAction();

  const reload = (): void =>
    void load.run(async () => {
      const states = watchOthers ? (['waiting', 'assigned'] as const) : (['waiting', 'mine'] as const);
      const lists = await Promise.all(states.map((state) => listHandovers({ state })));
      setQueue(lists.reduce((q, list) => fileAll(q, list.handovers, me, watchOthers), EMPTY_QUEUE));
      setBots(lists[0]?.bots ?? []);
      setLoaded(true);
    });
  useEffect(reload, []);

  const put = (view: HandoverView): void => setQueue((q) => file(q, view, me, watchOthers));
  const channels = bots.map((bot) => <QueueChannel key={bot} bot={bot} onEvent={put} onSubscribed={reload} />);
  return { queue, loaded, load, bots, reload, put, channels };
}
