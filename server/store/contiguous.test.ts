import { describe, expect, it } from 'vitest';
import { contiguousPrefix, GAP_GRACE_MS } from './contiguous.ts';

const now = new Date('2030-01-01T00:00:10Z');
const old = new Date(now.getTime() - GAP_GRACE_MS);
const young = new Date(now.getTime() - GAP_GRACE_MS + 1);
const ids = (list: { id: number }[]) => list.map((m) => m.id);

describe('contiguousPrefix', () => {
  it('passes a gapless run through whole', () => {
    const run = [1, 2, 3].map((id) => ({ id, writtenAt: young }));
    expect(ids(contiguousPrefix(run, 0, now))).toEqual([1, 2, 3]);
    expect(contiguousPrefix([], 7, now)).toEqual([]);
  });

  it('stops before a young message behind a gap, so the missing id is not skipped', () => {
    const run = [
      { id: 4, writtenAt: young },
      { id: 6, writtenAt: young },
      { id: 7, writtenAt: young },
    ];
    expect(ids(contiguousPrefix(run, 3, now))).toEqual([4]);
    // The gap can also be right after `after`.
    expect(ids(contiguousPrefix(run.slice(1), 4, now))).toEqual([]);
  });

  it('skips an old gap as permanent', () => {
    const run = [
      { id: 4, writtenAt: old },
      { id: 6, writtenAt: old },
      { id: 7, writtenAt: young },
      { id: 9, writtenAt: young },
    ];
    expect(ids(contiguousPrefix(run, 3, now))).toEqual([4, 6, 7]);
  });
});
