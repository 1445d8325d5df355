// The store as the server uses it, with every call timed by operation (the method's name: a fixed
// set) and the messages it stores counted by sender. One wrapper at the one door every part of the
// server goes through, instead of timing code beside each caller. Nothing of the arguments or the
// results becomes a label.
import type { AppendResult, Store } from '../store/store.ts';
import type { ChatMessage } from '../../common/wire.ts';
import type { Metrics } from './metrics.ts';

type Method = (...args: unknown[]) => unknown;

/** What a write stored: the messages to count. A completeTurn run again after a crash counts its replies again. */
function storedMessages(operation: string, result: unknown): ChatMessage[] {
  if (operation === 'appendMessage' || operation === 'appendVisitorMessage') {
    const appended = result as AppendResult;
    return appended.created ? [appended.message] : [];
  }
  if (operation === 'completeTurn') return result as ChatMessage[];
  return [];
}

export function timedStore(store: Store, metrics: Pick<Metrics, 'storeDuration' | 'messages'>): Store {
  const wrapped = new Map<PropertyKey, Method>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let timed = wrapped.get(property);
      if (!timed) {
        const method = value as Method;
        timed = (...args: unknown[]) => {
          const end = metrics.storeDuration.startTimer({ operation: property });
          const settled = method.apply(target, args);
          if (!(settled instanceof Promise)) {
            end({ result: 'ok' });
            return settled;
          }
          return settled.then(
            (result: unknown) => {
              end({ result: 'ok' });
              for (const message of storedMessages(property, result)) metrics.messages.inc({ sender: message.sender });
              return result;
            },
            (err: unknown) => {
              end({ result: 'error' });
              throw err;
            },
          );
        };
        wrapped.set(property, timed);
      }
      return timed;
    },
  });
}
