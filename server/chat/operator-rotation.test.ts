import { describe, expect, it } from 'vitest';
import { nextOperator } from './operator-rotation.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 9, minute));

describe('auto-assignment rotation', () => {
  it('rotation: whoever was given a conversation longest ago is next; never-assigned operators first, by id', () => {
    const loads = [
      { id: 'b', open: 0, lastAssignedAt: at(5) },
      { id: 'c', open: 1, lastAssignedAt: at(1) },
      { id: 'z', open: 0, lastAssignedAt: null },
      { id: 'a', open: 0, lastAssignedAt: null },
    ];
    expect(nextOperator(loads, 3)).toBe('a');
    expect(nextOperator(loads.filter((l) => l.lastAssignedAt), 3)).toBe('c');
  });

  it('rotation: an operator at capacity is skipped; everyone at capacity, or no one online, is no one', () => {
    const loads = [
      { id: 'a', open: 2, lastAssignedAt: at(1) },
      { id: 'b', open: 1, lastAssignedAt: at(2) },
    ];
    expect(nextOperator(loads, 2)).toBe('b');
    expect(nextOperator(loads, 1)).toBeNull();
    expect(nextOperator([], 3)).toBeNull();
  });

  it('rotation: assigning in turn goes round every free operator before anyone gets a second one', () => {
    const loads = ['a', 'b', 'c'].map((id) => ({ id, open: 0, lastAssignedAt: null as Date | null }));
    const order: string[] = [];
    for (let minute = 0; minute < 6; minute++) {
      const id = nextOperator(loads, 10)!;
      order.push(id);
      const load = loads.find((l) => l.id === id)!;
      load.open++;
      load.lastAssignedAt = at(minute);
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});
