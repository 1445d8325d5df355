import { describe, expect, it } from 'vitest';
import { chatMessage } from '../../../test/helpers/chat-message.ts';
import type { ChatMessage, Notice } from '../../../common/wire.ts';
import { handoverStatus, noticeOf } from './handover.ts';

let nextId = 1;
const base = (sender: ChatMessage['sender'], extra: Partial<ChatMessage> = {}): ChatMessage => chatMessage(nextId++, { sender, ...extra });
const notice = (n: Notice): ChatMessage => base('system', { notice: n });

describe('handover status from the messages', () => {
  it('no notice yet: no operator, nothing to rate', () => {
    expect(handoverStatus([base('visitor'), base('bot')])).toEqual({ operator: null, rateable: null });
  });

  it('joined → the operator holds it, however many messages follow', () => {
    const joined = notice({ kind: 'operator-joined', name: 'Olga' });
    expect(handoverStatus([base('bot'), joined, base('operator', { author: 'Olga' }), base('visitor')])).toEqual({ operator: 'Olga', rateable: null });
  });

  it('left with rate → nobody holds it and the left notice offers the rating; without rate, nothing to rate', () => {
    const left = notice({ kind: 'operator-left', name: 'Olga', rate: true });
    const timeline = [notice({ kind: 'operator-joined', name: 'Olga' }), base('operator'), left, base('visitor'), base('bot')];
    expect(handoverStatus(timeline)).toEqual({ operator: null, rateable: { noticeId: left.id, name: 'Olga' } });
    expect(handoverStatus([...timeline, notice({ kind: 'operator-left', name: 'Olga', rate: false })])).toEqual({ operator: null, rateable: null });
  });

  it('a second handover after a rated first: the new operator holds it, the old rating offer is gone', () => {
    const timeline = [notice({ kind: 'operator-joined', name: 'Olga' }), notice({ kind: 'operator-left', name: 'Olga', rate: true }), notice({ kind: 'operator-joined', name: 'Pål' })];
    expect(handoverStatus(timeline)).toEqual({ operator: 'Pål', rateable: null });
  });

  it('ignores malformed notices and notices on non-system messages', () => {
    const forged = base('operator', { notice: { kind: 'operator-joined', name: 'Mallory' } });
    const odd: unknown[] = [{ kind: 'operator-joined' }, { kind: 'operator-left', name: 'A' }, { kind: 'other', name: 'A' }, { kind: 'operator-joined', name: 5 }, 'operator-joined', null];
    for (const n of odd) expect(noticeOf(base('system', { notice: n as Notice }))).toBeNull();
    expect(noticeOf(forged)).toBeNull();
    expect(handoverStatus([forged, ...odd.map((n) => base('system', { notice: n as Notice }))])).toEqual({ operator: null, rateable: null });
  });
});
