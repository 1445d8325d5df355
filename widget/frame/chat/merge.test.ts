import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SENDERS, type ChatMessage } from '../../../common/wire.ts';
import { isChatMessage, lastId, leavesGap, mergeMessages, settle, shownText, type Pending } from './merge.ts';

const msg = (id: number, clientId: string | null = null): ChatMessage => ({
  id,
  conversationId: 'c'.repeat(22),
  clientId,
  sender: clientId ? 'visitor' : 'bot',
  text: `m${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('message merge', () => {
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

  it('spots a gap after the last id', () => {
    const timeline = [msg(1), msg(2)];
    expect(lastId(timeline)).toBe(2);
    expect(leavesGap(timeline, msg(3))).toBe(false);
    expect(leavesGap(timeline, msg(5))).toBe(true);
    expect(leavesGap([], msg(1))).toBe(false);
  });

  it('settles pending sends once their clientId is stored', () => {
    const pending: Pending[] = [
      { clientId: 'a', text: 'hi', request: { text: 'hi' }, status: 'sending' },
      { clientId: 'b', text: 'yo', request: { text: 'yo' }, status: 'failed' },
    ];
    expect(settle(pending, [msg(1)])).toBe(pending);
    expect(settle(pending, [msg(1), msg(2, 'a')]).map((p) => p.clientId)).toEqual(['b']);
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

describe('shownText', () => {
  it('shows the label of the pressed quick reply instead of the stored action', () => {
    const bot: ChatMessage = { ...msg(1), quickReplies: [{ label: 'Opening hours', action: 'intent:hours' }] };
    const pressed: ChatMessage = { ...msg(2, 'c1'), text: 'intent:hours' };
    const typed: ChatMessage = { ...msg(3, 'c2'), text: 'intent:hours' };
    const timeline = [bot, pressed, { ...msg(4), text: 'We open at 9.' }, typed];
    expect(shownText(timeline, 0)).toBe('m1');
    expect(shownText(timeline, 1)).toBe('Opening hours');
    // Typed after a bot message without that button: shown exactly as typed.
    expect(shownText(timeline, 3)).toBe('intent:hours');
    expect(shownText(timeline, 9)).toBe('');
  });
});
