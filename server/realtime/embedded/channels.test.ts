// The channel registry holds a lone subscriber as is and a Set once a second joins: the counts,
// broadcasts and leaving must not tell the two apart.
import { expect, it } from 'vitest';
import { createChannelRegistry, type Subscriber } from './channels.ts';

function subscriber(socketId: string): Subscriber & { got: string[] } {
  const got: string[] = [];
  return { socketId, channels: undefined, got, deliver: (frame) => got.push(String(frame)) };
}

it('one subscriber, then two, then one again, then none: every step delivers to exactly those present', () => {
  const registry = createChannelRegistry();
  const [a, b] = [subscriber('1.1'), subscriber('2.2')];
  expect(registry.join(a, 'private-c')).toBe(true);
  expect(registry.join(a, 'private-c')).toBe(false);
  registry.broadcast('private-c', Buffer.from('one'));
  expect(registry.subscriptionCount('private-c')).toBe(1);

  registry.join(b, 'private-c');
  registry.broadcast('private-c', Buffer.from('two'), '1.1');
  expect(registry.subscriptionCount('private-c')).toBe(2);

  registry.leave(a, 'private-c');
  registry.broadcast('private-c', Buffer.from('three'));
  expect(registry.subscriptionCount('private-c')).toBe(1);
  expect(registry.occupied()).toEqual(['private-c']);

  registry.leaveAll(b);
  registry.broadcast('private-c', Buffer.from('four'));
  expect(registry.subscriptionCount('private-c')).toBe(0);
  expect(registry.occupied()).toEqual([]);
  expect(a.got).toEqual(['one']);
  expect(b.got).toEqual(['two', 'three']);
});

it('a subscriber leaving a channel it never joined leaves the one who did', () => {
  const registry = createChannelRegistry();
  const [a, b] = [subscriber('1.1'), subscriber('2.2')];
  registry.join(a, 'private-c');
  registry.leave(b, 'private-c');
  registry.broadcast('private-c', Buffer.from('still'));
  expect(a.got).toEqual(['still']);
  expect(registry.subscriptionCount('private-c')).toBe(1);
});
