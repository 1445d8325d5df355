// The three public events of window.Parley and a minimal emitter for them.
import type { Sender } from '../../common/wire.ts';

export interface ParleyEvents {
  open: void;
  close: void;
  /** A message arrived or was sent. Its text stays inside the frame, on purpose. */
  message: { id: number; sender: Sender };
}
export type EventName = keyof ParleyEvents;
type Listener<E extends EventName> = (detail: ParleyEvents[E]) => void;

export function createEmitter() {
  const listeners: { [E in EventName]: Set<Listener<E>> } = { open: new Set(), close: new Set(), message: new Set() };
  return {
    on<E extends EventName>(event: E, fn: Listener<E>): () => void {
      const set = listeners[event] as Set<Listener<E>> | undefined;
      if (!set || typeof fn !== 'function') throw new TypeError('Parley.on: unknown event or listener');
      set.add(fn);
      return () => set.delete(fn);
    },
    emit<E extends EventName>(event: E, detail: ParleyEvents[E]): void {
      for (const fn of listeners[event] as Set<Listener<E>>) {
        // One broken host-page listener must not stop the widget or the other listeners.
        try {
          fn(detail);
        } catch (err) {
          console.error('Parley: listener failed', err);
        }
      }
    },
  };
}
