import { describe, expect, it } from 'vitest';
import type { HandoverView } from '../../../common/handover-wire.ts';
import { EMPTY_QUEUE, file, fileAll, isHandoverView } from './queue.ts';

const ME = 'u-me';
const view = (id: string, patch: Partial<HandoverView> = {}): HandoverView => ({
  id,
  conversationId: `c-${id}`,
  botId: 'demo',
  state: 'waiting',
  source: 'intent',
  origin: 'https://shop.example',
  startedAt: `2026-01-01T10:00:0${id.slice(-1)}.000Z`,
  assignee: null,
  assignedAt: null,
  firstResponseAt: null,
  endedAt: null,
  resolution: null,
  rating: null,
  ...patch,
});
const assigned = (id: string, to: string) => view(id, { state: 'assigned', assignee: { id: to, displayName: to } });
const ids = (list: readonly HandoverView[]) => list.map((h) => h.id);

describe('the handover queue', () => {
  it('lists waiting ones oldest first, whatever order they arrive in', () => {
    const q = fileAll(EMPTY_QUEUE, [view('h3'), view('h1'), view('h2')], ME, false);
    expect(ids(q.waiting)).toEqual(['h1', 'h2', 'h3']);
  });

  it('a take by me moves it to mine; a take by someone else removes it (or files it under others for a supervisor)', () => {
    const q = fileAll(EMPTY_QUEUE, [view('h1'), view('h2')], ME, false);
    const mine = file(q, assigned('h1', ME), ME, false);
    expect([ids(mine.waiting), ids(mine.mine), ids(mine.others)]).toEqual([['h2'], ['h1'], []]);
    const taken = file(mine, assigned('h2', 'u-olga'), ME, false);
    expect([ids(taken.waiting), ids(taken.mine), ids(taken.others)]).toEqual([[], ['h1'], []]);
    const watched = file(mine, assigned('h2', 'u-olga'), ME, true);
    expect(ids(watched.others)).toEqual(['h2']);
  });

  it('resolved and abandoned ones leave every list; reassigned to me, it moves from others to mine', () => {
    let q = fileAll(EMPTY_QUEUE, [assigned('h1', ME), assigned('h2', 'u-olga'), view('h3')], ME, true);
    q = file(q, { ...assigned('h2', ME) }, ME, true);
    expect([ids(q.mine), ids(q.others)]).toEqual([['h1', 'h2'], []]);
    q = file(q, view('h1', { state: 'resolved' }), ME, true);
    q = file(q, view('h3', { state: 'abandoned' }), ME, true);
    expect([ids(q.waiting), ids(q.mine), ids(q.others)]).toEqual([[], ['h2'], []]);
  });

  it('the same event twice changes nothing the second time', () => {
    const once = file(EMPTY_QUEUE, view('h1'), ME, false);
    expect(file(once, view('h1'), ME, false)).toEqual(once);
  });

  it('takes only handover-shaped channel data', () => {
    expect(isHandoverView(view('h1'))).toBe(true);
    expect(isHandoverView(assigned('h1', ME))).toBe(true);
    for (const bad of [null, 'h1', {}, { ...view('h1'), state: 'gone' }, { ...view('h1'), id: 1 }, { ...view('h1'), assignee: { id: 'x' } }, { ...view('h1'), assignee: 'x' }]) {
      expect(isHandoverView(bad)).toBe(false);
    }
  });
});
