import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatMessage } from '../test/helpers/chat-message.ts';
import { isChatMessage, lastId, mergeMessages } from './timeline.ts';
import { SENDERS, type ChatMessage } from './wire.ts';

/** A bot's message, or with a clientId the visitor's. */
const msg = (id: number, clientId: string | null = null): ChatMessage => chatMessage(id, clientId ? { clientId, sender: 'visitor' } : {});

describe('timeline', () => {
  it('keeps every id once, in id order, whatever the arrival order and repeats', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }), { maxLength: 8 }), (batches) => {
        let timeline: readonly ChatMessage[] = [];
        for (const batch of batches) timeline = mergeMessages(timeline, batch.map((id) => msg(id)));
        const ids = timeline.map((m) => m.id);
        expect(ids).toEqual([...new Set(batches.flat())].sort((a, b) => a - b));
      }),
    );
  });

  it('returns the same array when nothing is new, so the UI does not re-render', () => {
    const timeline = mergeMessages([], [msg(1), msg(2)]);
    expect(mergeMessages(timeline, [msg(2), msg(1)])).toBe(timeline);
  });

  it('knows its last id', () => {
    expect(lastId(mergeMessages([], [msg(2), msg(1)]))).toBe(2);
    expect(lastId([])).toBe(0);
  });

  it('recognises only message-shaped data', () => {
    expect(isChatMessage(msg(1))).toBe(true);
    const bad: unknown[] = [null, 'x', {}, { ...msg(1), id: 0 }, { ...msg(1), id: '1' }, { ...msg(1), sender: 'admin' }, { ...msg(1), text: 1 }, { ...msg(1), links: 'x' }];
    // An author is shown as text: anything but a string would be rendered as markup or crash the render.
    bad.push({ ...msg(1), sender: 'operator', author: { type: 'img' } }, { ...msg(1), sender: 'operator', author: 7 });
    for (const item of bad) {
      expect(isChatMessage(item)).toBe(false);
    }
  });

  it('takes every sender of the wire contract, the operator included', () => {
    for (const sender of SENDERS) expect(isChatMessage({ ...msg(1), sender, author: 'Olga' }), sender).toBe(true);
  });
});

