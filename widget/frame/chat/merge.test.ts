import { describe, expect, it } from 'vitest';
import { chatMessage } from '../../../test/helpers/chat-message.ts';
import type { ChatMessage } from '../../../common/wire.ts';
import { leavesGap, settle, shownText, type Pending } from './merge.ts';

/** A bot's message, or with a clientId the visitor's. */
const msg = (id: number, clientId: string | null = null): ChatMessage => chatMessage(id, clientId ? { clientId, sender: 'visitor' } : {});

describe('frame bookkeeping', () => {
  it('spots a gap after the last id', () => {
    const timeline = [msg(1), msg(2)];
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
